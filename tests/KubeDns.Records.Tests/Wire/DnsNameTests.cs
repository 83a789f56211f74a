using KubeDns.Records.Wire;

namespace KubeDns.Records.Tests.Wire;

/// <summary>
/// Presentation-format names (RFC 1035 §5.1): <see cref="DnsName.TryParse"/> gives exactly the characters that
/// <see cref="DnsQuery"/> reads off the wire for the same octets, rejects what is no name, and
/// <see cref="DnsName.TryFormat"/> writes names back as dig prints them.
/// </summary>
public class DnsNameTests
{
    /// <summary>Each text with the labels, as octets, a client would put on the wire for it.</summary>
    public static TheoryData<string, byte[][]> Names() => new()
    {
        { "quote.kiada.svc.cluster.local.", Labels("quote", "kiada", "svc", "cluster", "local") },
        { "QuOtE.Kiada.", Labels("QuOtE", "Kiada") },
        { @"\113uote.kiada.", Labels("quote", "kiada") },
        { @"\q\u\o\t\e.kiada.", Labels("quote", "kiada") },
        { @"a\.b.kiada.", [[(byte)'a', (byte)'.', (byte)'b'], "kiada"u8.ToArray()] },
        { @"a\046b.kiada.", [[(byte)'a', (byte)'.', (byte)'b'], "kiada"u8.ToArray()] },
        { @"a\000b.kiada.", [[(byte)'a', 0, (byte)'b'], "kiada"u8.ToArray()] },
        { @"\\\""\(\)\;\@\$.x.", [@"\""();@$"u8.ToArray(), "x"u8.ToArray()] },
        { @"a b\009c\127\128\255.", [[(byte)'a', (byte)' ', (byte)'b', 9, (byte)'c', 127, 128, 255]] },
        { "café.", [[(byte)'c', (byte)'a', (byte)'f', 0xC3, 0xA9]] },
        { @"caf\195\169.", [[(byte)'c', (byte)'a', (byte)'f', 0xC3, 0xA9]] },
        { @"caf\é.", [[(byte)'c', (byte)'a', (byte)'f', 0xC3, 0xA9]] },
        { "*.kiada.", Labels("*", "kiada") },
        { ".", [] },
        { new string('a', 63) + ".x.", Labels(new string('a', 63), "x") },
        { Long255(), Labels(new string('a', 63), new string('b', 63), new string('c', 63), new string('d', 61)) },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void TryParse_AbsoluteName_GivesTheCharactersTheWireReaderGives(string text, byte[][] labels)
    {
        var fromWire = ReadOffTheWire(labels);

        Assert.True(DnsName.TryParse(text, new char[DnsQuery.MaxNameTextLength], out _, out _));
        Assert.Equal(fromWire, Parse(text));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TryParse_RelativeName_IsTheAbsoluteOneWithoutTheDot(string text, byte[][] labels)
    {
        if (labels.Length == 0)
        {
            return;
        }

        var fromWire = ReadOffTheWire(labels);

        Assert.Equal(fromWire[..^1], Parse(text[..^1]));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData(".a", "has an empty label at character 1 (labels are separated by one dot, and only the root is '.', RFC 1035 §3.1)")]
    [InlineData("..", "has an empty label at character 1 (labels are separated by one dot, and only the root is '.', RFC 1035 §3.1)")]
    [InlineData("a..b", "has an empty label at character 3 (labels are separated by one dot, and only the root is '.', RFC 1035 §3.1)")]
    [InlineData("a.b..", "has an empty label at character 5 (labels are separated by one dot, and only the root is '.', RFC 1035 §3.1)")]
    [InlineData(@"a\25x.b", @"has '\25x' at character 2, which is no escape: '\DDD' takes exactly three decimal digits (RFC 1035 §5.1)")]
    [InlineData(@"a\25", @"has '\25' at character 2, which is no escape: '\DDD' takes exactly three decimal digits (RFC 1035 §5.1)")]
    [InlineData(@"a\2", @"has '\2' at character 2, which is no escape: '\DDD' takes exactly three decimal digits (RFC 1035 §5.1)")]
    [InlineData(@"a\256", @"has '\256' at character 2, above 255, the largest octet (RFC 1035 §5.1)")]
    [InlineData(@"a.\999.b", @"has '\999' at character 3, above 255, the largest octet (RFC 1035 §5.1)")]
    [InlineData(@"a\", @"ends in a lone '\' at character 2 (a backslash is written '\\', RFC 1035 §5.1)")]
    public void TryParse_Malformed_SaysWhatAndWhere(string text, string problem)
    {
        var buffer = new char[DnsQuery.MaxNameTextLength];

        Assert.False(DnsName.TryParse(text, buffer, out var written, out var actual));
        Assert.Equal(0, written);
        Assert.Equal(problem, actual);
    }

    /// <summary>A lone surrogate (which an attribute cannot carry, hence not inline data) is no character.</summary>
    [Fact]
    public void TryParse_LoneSurrogate_SaysWhere()
    {
        var text = string.Concat("a", ((char)0xD800).ToString(), "b");

        Assert.False(DnsName.TryParse(text, new char[DnsQuery.MaxNameTextLength], out _, out var problem));
        Assert.Equal("has a lone UTF-16 surrogate at character 2, which is no character", problem);
    }

    public static TheoryData<string, string> TooLong() => new()
    {
        { new string('a', 64), "has a 64-octet label at character 1, more than the 63 a label holds (RFC 1035 §2.3.4)" },
        { "x." + new string('a', 64) + ".y.", "has a 64-octet label at character 3, more than the 63 a label holds (RFC 1035 §2.3.4)" },
        // Escapes and UTF-8 count as the octets they stand for, not as the characters typed.
        { new string('a', 62) + @"\097\097", "has a 64-octet label at character 1, more than the 63 a label holds (RFC 1035 §2.3.4)" },
        { string.Concat(Enumerable.Repeat("é", 32)), "has a 64-octet label at character 1, more than the 63 a label holds (RFC 1035 §2.3.4)" },
        { "e." + Long255(), "is 257 octets, more than the 255 a name holds (RFC 1035 §2.3.4)" },
        { ("e." + Long255())[..^1], "is 257 octets, more than the 255 a name holds (RFC 1035 §2.3.4)" },
    };

    [Theory]
    [MemberData(nameof(TooLong))]
    public void TryParse_OverTheLimits_IsRejectedWithTheCoreWording(string text, string problem)
    {
        Assert.False(DnsName.TryParse(text, new char[1024], out _, out var actual));
        Assert.Equal(problem, actual);
    }

    [Fact]
    public void TryParse_SmallDestination_Fails()
    {
        Assert.False(DnsName.TryParse("abcde.", new char[3], out var written, out var problem));
        Assert.Equal(0, written);
        Assert.Equal("does not fit the 3-character destination (254 hold any name)", problem);
        Assert.False(DnsName.TryParse(".", Span<char>.Empty, out _, out _));
    }

    [Theory]
    [InlineData("quote.kiada.svc.cluster.local.", "quote.kiada.svc.cluster.local.")]
    [InlineData("quote.kiada.svc.cluster.local", "quote.kiada.svc.cluster.local")]
    [InlineData("a\0b.kiada.", @"a\.b.kiada.")]
    [InlineData("\\\"();@$.x", @"\\\""\(\)\;\@\$.x")]
    [InlineData("a b\tc\x7F\x80\xC3\xFF.", @"a\032b\009c\127\128\195\255.")]
    [InlineData("*.-_~!.", "*.-_~!.")]
    [InlineData(".", ".")]
    [InlineData("", "")]
    public void Format_WritesAsDigPrints(string name, string expected)
    {
        Assert.Equal(expected, DnsName.Format(name));

        var buffer = new char[expected.Length];
        Assert.True(DnsName.TryFormat(name, buffer, out var written));
        Assert.Equal(expected, new string(buffer, 0, written));
        if (expected.Length > 0)
        {
            Assert.False(DnsName.TryFormat(name, buffer.AsSpan(0, expected.Length - 1), out written));
            Assert.Equal(0, written);
        }
    }

    /// <summary>Every octet, read off the wire, printed and parsed again, gives back the same characters.</summary>
    [Fact]
    public void FormatThenParse_EveryOctet_RoundTrips()
    {
        for (var first = 0; first < 256; first += 50)
        {
            var octets = Enumerable.Range(first, Math.Min(50, 256 - first)).Select(i => (byte)i).ToArray();
            var half = octets.Length / 2;
            var fromWire = ReadOffTheWire([octets[..half], octets[half..]]);

            Assert.Equal(fromWire, Parse(DnsName.Format(fromWire)));
        }
    }

    [Fact]
    public void ParseAndFormat_AllocateNothing()
    {
        Span<char> name = stackalloc char[DnsQuery.MaxNameTextLength];
        Span<char> text = stackalloc char[4 * DnsQuery.MaxNameTextLength];
        DnsName.TryParse(@"\113uote.a\.b.caf\195\169.", name, out var length, out _);
        DnsName.TryFormat(name[..length], text, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var parsed = DnsName.TryParse(@"\113uote.a\.b.caf\195\169.", name, out length, out _);
        var formatted = DnsName.TryFormat(name[..length], text, out var written);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(parsed && formatted);
        Assert.Equal(@"quote.a\.b.caf\195\169.", text[..written].ToString());
        Assert.Equal(0, allocated);
    }

    /// <summary>Printed answers and the pod's search walk show such names as dig would, never a raw NUL.</summary>
    [Fact]
    public void ResolutionAndSearchWalk_PrintNamesEscaped()
    {
        var cluster = ExampleCluster.Create();
        var name = Parse(@"a\.b.kiada.svc.cluster.local.");

        var resolution = cluster.Current.Resolve(name, RecordType.A);
        Assert.Equal(ResolutionKind.NameError, resolution.Kind);
        Assert.StartsWith(";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN\n", resolution.ToString(), StringComparison.Ordinal);
        Assert.Contains(";a\\.b.kiada.svc.cluster.local.\t\tIN\tA\n", resolution.ToString(), StringComparison.Ordinal);

        var walk = PodDnsConfig.ForNamespace("kiada").Resolve(cluster.Current, Parse(@"a\.b"));
        Assert.Equal(@"a\.b.kiada.svc.cluster.local. NXDOMAIN", walk.Tried[0].ToString());
        Assert.Equal(3, walk.Tried.Count(t => t.Kind == ResolutionKind.NameError));
    }

    private static string Parse(string text)
    {
        var buffer = new char[DnsQuery.MaxNameTextLength];
        Assert.True(DnsName.TryParse(text, buffer, out var length, out var problem), problem);
        return new string(buffer, 0, length);
    }

    /// <summary>A query carrying <paramref name="labels"/> as its question, read by <see cref="DnsQuery.TryRead"/>.</summary>
    private static string ReadOffTheWire(byte[][] labels)
    {
        var message = new List<byte> { 0x12, 0x34, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in labels)
        {
            message.Add((byte)label.Length);
            message.AddRange(label);
        }

        message.AddRange([0, 0, 1, 0, 1]);
        var buffer = new char[DnsQuery.MaxNameTextLength];
        Assert.Equal(DnsQueryStatus.Ok, DnsQuery.TryRead(message.ToArray(), buffer, out var query));
        return query.Name.ToString();
    }

    private static byte[][] Labels(params string[] labels) => [.. labels.Select(l => System.Text.Encoding.ASCII.GetBytes(l))];

    /// <summary>A name of exactly 255 octets: 3 × (1 + 63) + (1 + 61) + 1.</summary>
    private static string Long255() =>
        $"{new string('a', 63)}.{new string('b', 63)}.{new string('c', 63)}.{new string('d', 61)}.";
}
