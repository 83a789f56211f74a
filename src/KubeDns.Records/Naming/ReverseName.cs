using System.Globalization;
using System.Text;

namespace KubeDns.Records.Naming;

/// <summary>Reverse-zone names of addresses (RFC 1035 §3.5, RFC 3596 §2.5) and their ancestors.</summary>
internal static class ReverseName
{
    /// <summary><c>10.244.2.9</c> → <c>9.2.244.10.in-addr.arpa</c>; IPv6 → 32 nibbles, lowest first, <c>.ip6.arpa</c>.</summary>
    public static string For(UInt128 address, bool isV6)
    {
        var text = new StringBuilder(isV6 ? 72 : 29);
        if (isV6)
        {
            for (var i = 0; i < 32; i++)
            {
                text.Append("0123456789abcdef"[(int)((address >> (4 * i)) & 0xF)]).Append('.');
            }

            return text.Append("ip6.arpa").ToString();
        }

        var v4 = (uint)address;
        for (var i = 0; i < 4; i++)
        {
            text.Append(((v4 >> (8 * i)) & 0xFF).ToString(CultureInfo.InvariantCulture)).Append('.');
        }

        return text.Append("in-addr.arpa").ToString();
    }

    /// <summary>The names strictly between an address's reverse name and <c>in-addr.arpa</c> / <c>ip6.arpa</c>.</summary>
    public static IEnumerable<string> Ancestors(string reverseName, bool isV6)
    {
        var labels = isV6 ? 32 : 4;
        var at = 0;
        for (var i = 1; i < labels; i++)
        {
            at = reverseName.IndexOf('.', at) + 1;
            yield return reverseName[at..];
        }
    }
}
