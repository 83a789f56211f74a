using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace KubeDns.Records.Forwarding;

/// <summary>
/// The clients that may have queries forwarded upstream (the tool checks its option with this parser too). Parsed once
/// into a compact form: every network as a 128-bit address and mask, IPv4 as IPv4-mapped IPv6 (RFC 4291 §2.5.5.2),
/// so a client matches with a mask and a compare per network and no allocation.
/// </summary>
internal sealed class RecursionAllowList
{
    /// <summary>
    /// The default: loopback (127.0.0.0/8, ::1), private IPv4 (RFC 1918), shared address space (100.64.0.0/10,
    /// RFC 6598) and unique local IPv6 (fc00::/7, RFC 4193), the ranges pod and node networks use.
    /// </summary>
    public static readonly string[] Defaults =
        ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"];

    private const int MappedPrefix = 96;

    private readonly Network[] _networks;

    private RecursionAllowList(Network[] networks) => _networks = networks;

    /// <summary>Parses the networks or throws an <see cref="ArgumentException"/> naming <paramref name="option"/> and every bad value.</summary>
    public static RecursionAllowList Parse(IEnumerable<string?> values, string option, string paramName) =>
        TryParse(values, out var list, out var error) ? list : throw new ArgumentException($"{option}: {error}", paramName);

    /// <summary>
    /// Parses networks in CIDR notation (<c>10.0.0.0/8</c>, <c>fc00::/7</c>; a bare address is one host). No bits may
    /// be set past the prefix. On failure <paramref name="error"/> quotes every bad value.
    /// </summary>
    public static bool TryParse(IEnumerable<string?> values, [NotNullWhen(true)] out RecursionAllowList? list, [NotNullWhen(false)] out string? error)
    {
        var networks = new List<Network>();
        var bad = new List<string>();
        foreach (var value in values)
        {
            var text = value?.Trim() ?? string.Empty;
            if (TryParseNetwork(text, out var network))
            {
                networks.Add(network);
            }
            else
            {
                bad.Add($"'{value}'");
            }
        }

        if (bad.Count > 0)
        {
            list = null;
            error = $"{string.Join(", ", bad)} {(bad.Count == 1 ? "is not a network" : "are not networks")} in CIDR notation "
                + "(ADDRESS/PREFIX with no bits set past the prefix, such as 10.0.0.0/8 or fc00::/7)";
            return false;
        }

        list = new RecursionAllowList([.. networks]);
        error = null;
        return true;
    }

    /// <summary>True when <paramref name="address"/> is in one of the networks; false for null.</summary>
    public bool Allows(IPAddress? address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address is null || !address.TryWriteBytes(bytes, out var written))
        {
            return false;
        }

        return Allows(written == 4 ? Mapped(BinaryPrimitives.ReadUInt32BigEndian(bytes)) : BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    /// <summary>True when the sender in <paramref name="address"/> (a native socket address) is in one of the networks.</summary>
    public bool Allows(SocketAddress address)
    {
        // sockaddr_in keeps the address at offset 4, sockaddr_in6 at offset 8, on every platform .NET runs on.
        var bytes = address.Buffer.Span;
        return address.Family switch
        {
            AddressFamily.InterNetwork when address.Size >= 8 => Allows(Mapped(BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]))),
            AddressFamily.InterNetworkV6 when address.Size >= 24 => Allows(BinaryPrimitives.ReadUInt128BigEndian(bytes[8..])),
            _ => false,
        };
    }

    private static UInt128 Mapped(uint address) => new(0, 0xFFFF_0000_0000UL | address);

    private static UInt128 Mask(int prefix) => prefix == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefix);

    private static bool TryParseNetwork(string text, out Network network)
    {
        network = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out var address))
        {
            return false;
        }

        var v4 = address.AddressFamily == AddressFamily.InterNetwork;
        if (!v4 && address.ScopeId != 0)
        {
            // A zone index (fe80::1%eth0) names an interface, not a network.
            return false;
        }

        var width = v4 ? 32 : 128;
        var prefix = width;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > width))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        var value = v4 ? Mapped(BinaryPrimitives.ReadUInt32BigEndian(bytes)) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
        var mask = Mask(v4 ? prefix + MappedPrefix : prefix);
        if ((value & ~mask) != UInt128.Zero)
        {
            return false;
        }

        network = new Network(value, mask);
        return true;
    }

    private bool Allows(UInt128 address)
    {
        foreach (var network in _networks)
        {
            if ((address & network.Mask) == network.Address)
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct Network(UInt128 Address, UInt128 Mask);
}
