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
        if (text.IsEmpty)
        {
            problem = "is empty";
            return false;
        }

        // The root is the one name that is a dot alone (RFC 1035 §5.1): no label, nothing to read.
        var root = text is ".";

        // The wire form counts a length octet per label and the root's zero octet (RFC 1035 §3.1).
        var octets = 1;
        var written = 0;
        var labelLength = 0;
        var labelStart = 0;
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; !root && i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.')
            {
                if (labelLength == 0)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"has an empty label at character {i + 1} (labels are separated by one dot, and only the root is '.', RFC 1035 §3.1)");
                    return false;
                }

                if (written < destination.Length)
                {
                    destination[written] = '.';
                }

                written++;
                labelLength = 0;
                labelStart = i + 1;
                continue;
            }

            var start = i;
            int octet;
            if (c == '\\')
            {
                if (++i == text.Length)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"ends in a lone '\\' at character {start + 1} (a backslash is written '\\\\', RFC 1035 §5.1)");
                    return false;
                }

                c = text[i];
                if (char.IsAsciiDigit(c))
                {
                    if (i + 2 >= text.Length || !char.IsAsciiDigit(text[i + 1]) || !char.IsAsciiDigit(text[i + 2]))
                    {
                        var shown = text.Slice(start, Math.Min(4, text.Length - start));
                        problem = string.Create(CultureInfo.InvariantCulture, $"has '{shown}' at character {start + 1}, which is no escape: '\\DDD' takes exactly three decimal digits (RFC 1035 §5.1)");
                        return false;
                    }

                    octet = ((c - '0') * 100) + ((text[i + 1] - '0') * 10) + (text[i + 2] - '0');
                    if (octet > byte.MaxValue)
                    {
                        problem = string.Create(CultureInfo.InvariantCulture, $"has '{text.Slice(start, 4)}' at character {start + 1}, above 255, the largest octet (RFC 1035 §5.1)");
                        return false;
                    }

                    i += 2;
                }
                else if (char.IsAscii(c))
                {
                    octet = c;
                }
                else
                {
                    octet = -1;
                }
            }
            else
            {
                octet = char.IsAscii(c) ? c : -1;
            }

            var count = 1;
            if (octet < 0)
            {
                // Beyond ASCII a character is its UTF-8 octets, whether escaped or not.
                if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"has a lone UTF-16 surrogate at character {i + 1}, which is no character");
                    return false;
                }

                count = rune.EncodeToUtf8(utf8);
                i += consumed - 1;
            }
            else
            {
                utf8[0] = (byte)octet;
            }

            if (labelLength == 0)
            {
                octets++;
            }

            foreach (var b in utf8[..count])
            {
                if (written < destination.Length)
                {
                    destination[written] = FromOctet(b);
                }

                written++;
            }

            labelLength += count;
            octets += count;
            if (labelLength > DnsLabels.MaxLabelLength && (i + 1 == text.Length || text[i + 1] == '.'))
            {
                problem = DnsLabels.LabelTooLong(labelLength, labelStart + 1);
                return false;
            }
        }

        if (root)
        {
            if (destination.Length > 0)
            {
                destination[0] = '.';
            }

            written = 1;
        }

        if (octets > DnsQuery.MaxNameLength)
        {
            problem = DnsLabels.NameTooLong(octets);
            return false;
        }

        if (written > destination.Length)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"does not fit the {destination.Length}-character destination ({DnsQuery.MaxNameTextLength} hold any name)");
            return false;
        }

        charsWritten = written;
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
    /// The character an octet of a label becomes in the text form: itself, except a dot or NUL, which become
    /// <c>'\0'</c> so that the label can match no name of ours and a dot stays the label separator. The one rule
    /// for both <see cref="DnsQuery"/>'s wire reader and <see cref="TryParse"/>.
    /// </summary>
    internal static char FromOctet(byte octet) => octet is (byte)'.' or 0 ? '\0' : (char)octet;
}
