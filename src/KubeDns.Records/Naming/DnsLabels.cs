using System.Globalization;
using System.Runtime.CompilerServices;

namespace KubeDns.Records.Naming;

/// <summary>
/// Name checks and the case-insensitive hash and comparison used on the query path. DNS names compare ASCII
/// case-insensitively (RFC 4343 §3); Kubernetes object names are lower-case by validation, queries may not be.
/// </summary>
internal static class DnsLabels
{
    /// <summary>The longest label, in octets (RFC 1035 §2.3.4).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>
    /// The longest name as text without its trailing dot: the 255 octets of its wire form (RFC 1035 §2.3.4) less the
    /// first length octet and the root label.
    /// </summary>
    public const int MaxNameLength = Wire.DnsQuery.MaxNameLength - 2;

    /// <summary>
    /// Why an absolute name (text without the trailing dot) cannot be encoded on the wire, or null when it can: a
    /// label over 63 octets or a name over 255 (RFC 1035 §2.3.4). The one place these limits are judged for names
    /// the library makes up; a name it cannot encode does not exist (record-synthesis.md, names at the limits).
    /// </summary>
    public static string? EncodingProblem(ReadOnlySpan<char> name)
    {
        foreach (var range in name.Split('.'))
        {
            var length = range.End.GetOffset(name.Length) - range.Start.GetOffset(name.Length);
            if (length > MaxLabelLength)
            {
                return LabelTooLong(length);
            }
        }

        return name.Length > MaxNameLength ? NameTooLong(name.Length + 2) : null;
    }

    /// <summary>The words for a label over 63 octets, optionally where it starts (a character counted from 1).</summary>
    public static string LabelTooLong(int octets, int? character = null) =>
        string.Create(CultureInfo.InvariantCulture,
            $"has a {octets}-octet label{(character is { } at ? $" at character {at}" : string.Empty)}, more than the {MaxLabelLength} a label holds (RFC 1035 §2.3.4)");

    /// <summary>The words for a name whose wire form is over 255 octets.</summary>
    public static string NameTooLong(int octets) =>
        string.Create(CultureInfo.InvariantCulture, $"is {octets} octets, more than the {Wire.DnsQuery.MaxNameLength} a name holds (RFC 1035 §2.3.4)");

    /// <summary>RFC 1123 label as Kubernetes validates it: <c>[a-z0-9]([-a-z0-9]*[a-z0-9])?</c>, at most 63.</summary>
    public static bool IsRfc1123Label(ReadOnlySpan<char> s)
    {
        if (s.Length is 0 or > MaxLabelLength || !IsLowerAlnum(s[0]) || !IsLowerAlnum(s[^1]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!IsLowerAlnum(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// RFC 1123 subdomain: dot-separated RFC 1123 labels, at most 253 characters. Kubernetes object names put no
    /// 63-character limit on each label (<c>IsDNS1123Subdomain</c>); a name that must also be a DNS name does.
    /// </summary>
    public static bool IsRfc1123Subdomain(ReadOnlySpan<char> s, bool dnsLabelLimit = true)
    {
        if (s.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        foreach (var range in s.Split('.'))
        {
            var label = s[range];
            if (label.Length == 0 || (dnsLabelLimit && label.Length > MaxLabelLength)
                || !IsLowerAlnum(label[0]) || !IsLowerAlnum(label[^1]) || label.ContainsAnyExcept(LabelCharacters))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly System.Buffers.SearchValues<char> LabelCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    /// <summary>
    /// A zone or target host name: dot-separated labels of letters, digits, hyphens and underscores, at most 63 each
    /// and 253 in all, optionally ending in a dot. Upper case is accepted (it is folded by the caller).
    /// </summary>
    public static bool IsHostName(ReadOnlySpan<char> s)
    {
        if (s.Length > 0 && s[^1] == '.')
        {
            s = s[..^1];
        }

        if (s.Length is 0 or > MaxNameLength)
        {
            return false;
        }

        foreach (var range in s.Split('.'))
        {
            var label = s[range];
            if (label.Length is 0 or > MaxLabelLength)
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsLowerAlnum(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);

    /// <summary>
    /// ASCII case-insensitive equality (RFC 4343 §3): A-Z equal a-z and nothing else folds. Text holding a non-ASCII
    /// character is equal to nothing, not even itself (<see cref="System.Text.Ascii.EqualsIgnoreCase(ReadOnlySpan{char}, ReadOnlySpan{char})"/>);
    /// no name the library stores holds one, since validation admits only RFC 1123 labels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool EqualsIgnoreCase(ReadOnlySpan<char> a, ReadOnlySpan<char> b) =>
        a.Length == b.Length && System.Text.Ascii.EqualsIgnoreCase(a, b);

    /// <summary>True when <paramref name="name"/> ends with the label sequence <paramref name="suffix"/> at a label boundary.</summary>
    public static bool EndsWithLabels(ReadOnlySpan<char> name, ReadOnlySpan<char> suffix) =>
        name.Length >= suffix.Length
        && EqualsIgnoreCase(name[(name.Length - suffix.Length)..], suffix)
        && (name.Length == suffix.Length || name[name.Length - suffix.Length - 1] == '.');
}
