using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KubeDns.Records.Naming;

/// <summary>
/// Strict address parsing and the formats DNS needs. Addresses are kept as <see cref="UInt128"/> in network
/// order (IPv4 in the low 32 bits) so records hold them inline without an <see cref="IPAddress"/> per record.
/// </summary>
internal static class IPText
{
    private static readonly System.Buffers.SearchValues<char> Ipv6Characters =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF:.");

    /// <summary>
    /// Parses an address the way Kubernetes validates one: IPv4 only as four dotted decimal parts without leading
    /// zeros; IPv6 in any RFC 4291 text form without a zone index.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> s, out UInt128 value, out bool isV6)
    {
        value = default;
        isV6 = false;
        if (s.IndexOf(':') >= 0)
        {
            // Kubernetes accepts plain RFC 4291 text only: no brackets, ports or zone indexes, which IPAddress would take.
            if (s.ContainsAnyExcept(Ipv6Characters) || !IPAddress.TryParse(s, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            Span<byte> bytes = stackalloc byte[16];
            v6.TryWriteBytes(bytes, out _);
            value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
            isV6 = true;
            return true;
        }

        uint v4 = 0;
        var parts = 0;
        foreach (var range in s.Split('.'))
        {
            var part = s[range];
            if (++parts > 4 || part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            var n = 0;
            foreach (var c in part)
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                n = (n * 10) + (c - '0');
            }

            if (n > 255)
            {
                return false;
            }

            v4 = (v4 << 8) | (uint)n;
        }

        value = v4;
        return parts == 4;
    }

    /// <summary>
    /// True when an ExternalName target is an IP literal (specification.md §11): an IPv6 address, or an IPv4 address
    /// with or without the trailing dot a host name may carry.
    /// </summary>
    public static bool IsIPLiteral(string target) =>
        target.Contains(':', StringComparison.Ordinal)
            ? TryParse(target, out _, out _)
            : TryParse(target.EndsWith('.') ? target.AsSpan(0, target.Length - 1) : target, out _, out _);

    public static IPAddress ToIPAddress(UInt128 value, bool isV6)
    {
        Span<byte> bytes = stackalloc byte[16];
        return new IPAddress(WriteBytes(value, isV6, bytes));
    }

    public static ReadOnlySpan<byte> WriteBytes(UInt128 value, bool isV6, Span<byte> destination)
    {
        if (isV6)
        {
            BinaryPrimitives.WriteUInt128BigEndian(destination, value);
            return destination[..16];
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)value);
        return destination[..4];
    }

    /// <summary>The address in its canonical text form: dotted decimal, or RFC 5952 for IPv6.</summary>
    public static string Format(UInt128 value, bool isV6) =>
        isV6 ? ToIPAddress(value, isV6: true).ToString() : FormatV4(value, '.');

    private static string FormatV4(UInt128 value, char separator)
    {
        var v = (uint)value;
        return string.Create(CultureInfo.InvariantCulture, $"{v >> 24}{separator}{(v >> 16) & 0xff}{separator}{(v >> 8) & 0xff}{separator}{v & 0xff}");
    }

    /// <summary>
    /// The dashed form used as an endpoint or pod label (specification.md §6.3): <c>10-244-2-9</c>; IPv6 in RFC 5952 form
    /// with <c>:</c> replaced by <c>-</c>, and a <c>0</c> added where the result would begin or end with <c>-</c>.
    /// </summary>
    public static string Dashed(UInt128 value, bool isV6)
    {
        if (!isV6)
        {
            return FormatV4(value, '-');
        }

        var text = Format(value, isV6: true).Replace(':', '-').Replace('.', '-');
        if (text[0] == '-')
        {
            text = "0" + text;
        }

        if (text[^1] == '-')
        {
            text += "0";
        }

        return text;
    }
}
