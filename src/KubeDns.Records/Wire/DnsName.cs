using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using KubeDns.Records.Internal;

namespace KubeDns.Records.Wire;

/// <summary>
/// Domain names between presentation format (RFC 1035 §5.1, as dig and zone files write them) and the text form that
/// <see cref="ClusterSnapshot.Resolve"/> takes and <see cref="DnsQuery.Name"/> gives: one character per octet,
/// labels separated by <c>'.'</c>. A dot or NUL octet inside a label is <c>'\0'</c>, which no name of ours contains,
/// so such a name can never match one; every other octet is the character of the same value (letter case kept,
/// octets 128–255 as U+0080–U+00FF). A name typed as text and the same name read off the wire therefore give the
/// same characters.
/// </summary>
public static class DnsName
{
    /// <summary>
    /// Reads a name in presentation format into the text form: <c>\DDD</c> (exactly three decimal digits, at most
    /// 255) is that octet, <c>\X</c> is the character X itself (so <c>\.</c> is a dot inside a label), an unescaped
    /// dot ends a label, and any other character is its octet; a character above U+007F is its UTF-8 octets, as dig
    /// and BIND read UTF-8 text. The name is absolute when the text ends in an unescaped dot, and the result then
    /// ends in <c>'.'</c>; a relative name has none. <c>"."</c> alone is the root. Allocates nothing unless the text
    /// is malformed.
    /// </summary>
    /// <param name="text">The name as typed, such as <c>\113uote.kiada.svc.cluster.local.</c>.</param>
    /// <param name="destination">Where the text form is written; <see cref="DnsQuery.MaxNameTextLength"/> characters hold any name.</param>
    /// <param name="charsWritten">The length of the text form; 0 when the text is malformed.</param>
    /// <param name="problem">
    /// Null on success; otherwise what is wrong and at which character (counted from 1), phrased to follow the
    /// quoted text: an empty text, an empty label, a bad escape, an escape above 255, a label over 63 octets or a name
    /// over 255 (RFC 1035 §2.3.4), or a destination too small.
    /// </param>
    /// <returns>True when the text is a name and its text form fits <paramref name="destination"/>.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, Span<char> destination, out int charsWritten, [NotNullWhen(false)] out string? problem)
    {
        charsWritten = 0;
        Span<byte> wire = stackalloc byte[DnsQuery.MaxNameLength];
        if (!TryParseToWire(text, wire, out var wireLength, out var absolute, out problem))
        {
            return false;
        }

        // The text form: every label's octets by FromOctet, a dot after each label but a relative name's last, and
        // the root alone as ".".
        var needed = wireLength == 1 ? 1 : wireLength - (absolute ? 1 : 2);
        if (needed > destination.Length)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"does not fit the {destination.Length}-character destination ({DnsQuery.MaxNameTextLength} hold any name)");
            return false;
        }

        var written = 0;
        for (var at = 0; wire[at] != 0; at += wire[at] + 1)
        {
            foreach (var b in wire.Slice(at + 1, wire[at]))
            {
                destination[written++] = FromOctet(b);
            }

            if (written < needed)
            {
                destination[written++] = '.';
            }
        }

        if (wireLength == 1)
        {
            destination[written++] = '.';
        }

        charsWritten = written;
        return true;
    }

    /// <summary>
    /// Reads a name in presentation format (the rules of <see cref="TryParse"/>) into its uncompressed wire form
    /// (RFC 1035 §3.1): length-prefixed labels and the root's zero octet; a relative name is taken as absolute.
    /// </summary>
    /// <param name="text">The name as typed.</param>
    /// <param name="destination">Where the wire form goes; <see cref="DnsQuery.MaxNameLength"/> octets hold any name.</param>
    /// <param name="length">The wire form's length; 0 on failure.</param>
    /// <param name="absolute">Whether the text ended in an unescaped dot (or was the root).</param>
    /// <param name="problem">What is wrong, as <see cref="TryParse"/> says it; null on success.</param>
    /// <returns>True when the text is a name and its wire form fits <paramref name="destination"/>.</returns>
    internal static bool TryParseToWire(ReadOnlySpan<char> text, Span<byte> destination, out int length, out bool absolute, [NotNullWhen(false)] out string? problem)
    {
        length = 0;
        absolute = false;
        if (text.IsEmpty)
        {
            problem = "is empty";
            return false;
        }

        // The root is the one name that is a dot alone (RFC 1035 §5.1): no label, nothing to read.
        var root = text is ".";
        var endsInSeparator = root;

        // Octets past the destination are counted, not written, so a name over 255 octets is reported as such.
        var nameOctets = 0;
        var labelAt = 0;
        var labelLength = 0;
        var labelStart = 0;
        Span<byte> characterOctets = stackalloc byte[4];
        for (var i = 0; !root && i < text.Length; i++)
        {
            if (text[i] == '.')
            {
                if (labelLength == 0)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"has an empty label at character {i + 1} (labels are separated by one dot, and only the root is '.', RFC 1035 §3.1)");
                    return false;
                }

                labelLength = 0;
                labelStart = i + 1;
                endsInSeparator = true;
                continue;
            }

            endsInSeparator = false;
            if (!TryReadOctets(text, ref i, characterOctets, out var count, out problem))
            {
                return false;
            }

            if (labelLength == 0)
            {
                // The wire form counts a length octet per label (RFC 1035 §3.1).
                labelAt = nameOctets++;
            }

            foreach (var b in characterOctets[..count])
            {
                if (nameOctets < destination.Length)
                {
                    destination[nameOctets] = b;
                }

                nameOctets++;
            }

            labelLength += count;
            if (labelLength > DnsLabels.MaxLabelLength && (i + 1 == text.Length || text[i + 1] == '.'))
            {
                problem = DnsLabels.LabelTooLong(labelLength, labelStart + 1);
                return false;
            }

            if (labelAt < destination.Length)
            {
                destination[labelAt] = (byte)labelLength;
            }
        }

        // The root's zero octet ends every name.
        nameOctets++;
        if (nameOctets > DnsQuery.MaxNameLength)
        {
            problem = DnsLabels.NameTooLong(nameOctets);
            return false;
        }

        if (nameOctets > destination.Length)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"does not fit the {destination.Length}-octet destination ({DnsQuery.MaxNameLength} hold any name)");
            return false;
        }

        destination[nameOctets - 1] = 0;
        length = nameOctets;
        absolute = endsInSeparator;
        problem = null;
        return true;
    }

    /// <summary>
    /// Writes a name given in the text form in presentation format, as dig prints it: <c>'\0'</c> (a dot or NUL
    /// octet inside a label) as <c>\.</c>; the characters that are special in zone files, <c>" ( ) ; \ @ $</c>, escaped
    /// with a backslash; octets below 33 and from 127 to 255 as <c>\DDD</c>; everything else, dots included, as it is.
    /// A trailing dot is written when the name has one. Allocates nothing.
    /// </summary>
    /// <param name="name">The name in text form, such as <see cref="DnsQuery.Name"/> or <see cref="Resolution.QueryName"/>.</param>
    /// <param name="destination">Where to write; four characters per character of <paramref name="name"/> always suffice.</param>
    /// <param name="charsWritten">How many characters were written; 0 when the destination is too small.</param>
    /// <returns>False, writing nothing, when <paramref name="destination"/> is too small.</returns>
    public static bool TryFormat(ReadOnlySpan<char> name, Span<char> destination, out int charsWritten)
    {
        var written = 0;
        foreach (var c in name)
        {
            var length = c switch
            {
                '\0' or '"' or '(' or ')' or ';' or '\\' or '@' or '$' => 2,
                < '!' or (>= '\x7F' and <= '\xFF') => 4,
                _ => 1,
            };
            if (written + length > destination.Length)
            {
                charsWritten = 0;
                return false;
            }

            if (length == 1)
            {
                destination[written] = c;
            }
            else if (length == 2)
            {
                destination[written] = '\\';
                destination[written + 1] = c == '\0' ? '.' : c;
            }
            else
            {
                destination[written] = '\\';
                destination[written + 1] = (char)('0' + (c / 100));
                destination[written + 2] = (char)('0' + (c / 10 % 10));
                destination[written + 3] = (char)('0' + (c % 10));
            }

            written += length;
        }

        charsWritten = written;
        return true;
    }

    /// <summary>The name given in the text form in presentation format, as <see cref="TryFormat"/> writes it, as a new string.</summary>
    /// <param name="name">The name in text form.</param>
    /// <returns>The presentation text.</returns>
    public static string Format(ReadOnlySpan<char> name)
    {
        var buffer = name.Length <= 256 ? stackalloc char[4 * name.Length] : new char[4 * name.Length];
        TryFormat(name, buffer, out var length);
        return buffer[..length].ToString();
    }

    /// <summary>
    /// The octets of the character, or escape, at <paramref name="i"/> (RFC 1035 §5.1), leaving <paramref name="i"/>
    /// on its last character: <c>\DDD</c> is one octet, <c>\X</c> and a plain character are the character's octets,
    /// one for ASCII and the UTF-8 ones beyond.
    /// </summary>
    private static bool TryReadOctets(ReadOnlySpan<char> text, ref int i, Span<byte> octets, out int count, [NotNullWhen(false)] out string? problem)
    {
        var start = i;
        count = 0;
        if (text[i] == '\\')
        {
            if (++i == text.Length)
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"ends in a lone '\\' at character {start + 1} (a backslash is written '\\\\', RFC 1035 §5.1)");
                return false;
            }

            if (char.IsAsciiDigit(text[i]))
            {
                if (i + 2 >= text.Length || !char.IsAsciiDigit(text[i + 1]) || !char.IsAsciiDigit(text[i + 2]))
                {
                    var shown = text.Slice(start, Math.Min(4, text.Length - start));
                    problem = string.Create(CultureInfo.InvariantCulture, $"has '{shown}' at character {start + 1}, which is no escape: '\\DDD' takes exactly three decimal digits (RFC 1035 §5.1)");
                    return false;
                }

                var value = ((text[i] - '0') * 100) + ((text[i + 1] - '0') * 10) + (text[i + 2] - '0');
                if (value > byte.MaxValue)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"has '{text.Slice(start, 4)}' at character {start + 1}, above 255, the largest octet (RFC 1035 §5.1)");
                    return false;
                }

                i += 2;
                octets[0] = (byte)value;
                count = 1;
                problem = null;
                return true;
            }
        }

        if (char.IsAscii(text[i]))
        {
            octets[0] = (byte)text[i];
            count = 1;
            problem = null;
            return true;
        }

        // Beyond ASCII a character is its UTF-8 octets, whether escaped or not.
        if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"has a lone UTF-16 surrogate at character {i + 1}, which is no character");
            return false;
        }

        count = rune.EncodeToUtf8(octets);
        i += consumed - 1;
        problem = null;
        return true;
    }

    /// <summary>
    /// The character an octet of a label becomes in the text form: itself, except a dot or NUL, which become
    /// <c>'\0'</c> so that the label can match no name of ours and a dot stays the label separator. The one rule
    /// for both <see cref="DnsQuery"/>'s wire reader and <see cref="TryParse"/>.
    /// </summary>
    internal static char FromOctet(byte octet) => octet is (byte)'.' or 0 ? '\0' : (char)octet;
}
