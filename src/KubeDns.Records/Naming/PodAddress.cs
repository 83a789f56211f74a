using System.Globalization;

namespace KubeDns.Records.Naming;

/// <summary>
/// Pod-record labels (specification.md §9): an IPv4 address with <c>-</c> for <c>.</c>, or an IPv6 address with
/// <c>-</c> for <c>:</c> (a leading or trailing <c>0</c> added as in §6.3 is accepted). Parsed without allocating.
/// </summary>
internal static class PodAddress
{
    private static readonly System.Buffers.SearchValues<char> DigitsAndDash = System.Buffers.SearchValues.Create("0123456789-");

    public static bool TryParse(ReadOnlySpan<char> label, out UInt128 address, out bool isV6)
    {
        address = default;
        isV6 = false;
        if (label.Length is 0 or > 45)
        {
            return false;
        }

        var dashes = label.Count('-');
        if (dashes == 3 && !label.ContainsAnyExcept(DigitsAndDash))
        {
            Span<char> dotted = stackalloc char[label.Length];
            label.CopyTo(dotted);
            dotted.Replace('-', '.');
            return IPText.TryParse(dotted, out address, out isV6) && !isV6;
        }

        isV6 = true;
        return TryParseV6(label, out address);
    }

    /// <summary>RFC 4291 §2.2 text with <c>-</c> as the separator: up to eight groups of 1–4 hex digits, one <c>--</c>.</summary>
    private static bool TryParseV6(ReadOnlySpan<char> text, out UInt128 address)
    {
        address = default;

        // "0--1" and "fd00--0" carry a 0 added so the label does not start or end with '-' (§6.3).
        Span<ushort> head = stackalloc ushort[8];
        Span<ushort> tail = stackalloc ushort[8];
        int headCount = 0, tailCount = 0;
        var compressed = false;
        var groups = text;
        var gap = groups.IndexOf("--");
        if (gap >= 0)
        {
            compressed = true;
            if (groups[(gap + 2)..].IndexOf("--") >= 0)
            {
                return false;
            }

            if (!ParseGroups(groups[..gap], head, ref headCount) || !ParseGroups(groups[(gap + 2)..], tail, ref tailCount))
            {
                return false;
            }

            // The added 0 (§6.3) makes "0--1" or "fd00--0"; "0" groups next to "--" are just zero groups.
            if (headCount + tailCount > 7)
            {
                return false;
            }
        }
        else if (!ParseGroups(groups, head, ref headCount) || headCount != 8)
        {
            return false;
        }

        UInt128 value = 0;
        for (var i = 0; i < headCount; i++)
        {
            value = (value << 16) | head[i];
        }

        if (compressed)
        {
            value <<= 16 * (8 - headCount - tailCount);
            for (var i = 0; i < tailCount; i++)
            {
                value = (value << 16) | tail[i];
            }
        }

        address = value;
        return true;
    }

    private static bool ParseGroups(ReadOnlySpan<char> text, Span<ushort> into, ref int count)
    {
        if (text.IsEmpty)
        {
            return true;
        }

        foreach (var range in text.Split('-'))
        {
            var group = text[range];
            if (count == 8 || group.Length is 0 or > 4
                || !ushort.TryParse(group, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            into[count++] = value;
        }

        return true;
    }
}
