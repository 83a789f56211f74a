using System.Text;

namespace KubeDns.Records;

/// <summary>
/// An absolute domain name as two pieces of text, viewed without copying: for example the lower-case labels a
/// record owns and the zone as the query spelled it. Written out, it is the two pieces followed by a dot.
/// </summary>
public readonly ref struct DnsNameText
{
    private readonly ReadOnlySpan<char> _head;
    private readonly ReadOnlySpan<char> _tail;

    internal DnsNameText(ReadOnlySpan<char> head, ReadOnlySpan<char> tail)
    {
        _head = head;
        _tail = tail;
    }

    /// <summary>The length of the name in characters, including its trailing dot.</summary>
    public int Length => _head.Length + _tail.Length + 1;

    /// <summary>Copies the name, with its trailing dot, to <paramref name="destination"/>.</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="charsWritten">How many characters were written; 0 when the destination is too small.</param>
    /// <returns>False, writing nothing, when <paramref name="destination"/> is too small.</returns>
    public bool TryCopyTo(Span<char> destination, out int charsWritten)
    {
        if (destination.Length < Length)
        {
            charsWritten = 0;
            return false;
        }

        _head.CopyTo(destination);
        _tail.CopyTo(destination[_head.Length..]);
        destination[_head.Length + _tail.Length] = '.';
        charsWritten = Length;
        return true;
    }

    /// <summary>Compares with a name, ASCII case-insensitively (RFC 4343); a trailing dot on <paramref name="name"/> is optional.</summary>
    /// <param name="name">The name to compare with.</param>
    /// <returns>True when the names are equal.</returns>
    public bool EqualsIgnoreCase(ReadOnlySpan<char> name)
    {
        if (name.Length > 0 && name[^1] == '.')
        {
            name = name[..^1];
        }

        return name.Length == _head.Length + _tail.Length
            && Ascii.EqualsIgnoreCase(name[.._head.Length], _head)
            && Ascii.EqualsIgnoreCase(name[_head.Length..], _tail);
    }

    /// <summary>The name with its trailing dot in presentation format (<see cref="Wire.DnsName.Format"/>), as a new string.</summary>
    internal string ToPresentation() => Wire.DnsName.Format(ToString());

    /// <summary>The name with its trailing dot, as a new string.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => string.Concat(_head, _tail, ".");

    /// <summary>
    /// The name with its trailing dot, as <see cref="ToString"/> gives it, so that <c>$"{record.Target}"</c> and
    /// <c>Console.WriteLine(record.Name)</c> print the name: a ref struct converts to no <see cref="object"/>, and
    /// without this operator the interpolation fails to compile (CS9244). Allocates, like <see cref="ToString"/>.
    /// </summary>
    /// <param name="name">The name.</param>
    public static implicit operator string(DnsNameText name) => name.ToString();
}
