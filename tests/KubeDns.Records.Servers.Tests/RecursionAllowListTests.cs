using System.Net;
using KubeDns.Records.Forwarding;

namespace KubeDns.Records.Servers.Tests;

/// <summary>The recursion allow list both engines share: which clients match, bad networks named, no allocation per client.</summary>
public class RecursionAllowListTests
{
    private static readonly RecursionAllowList Defaults = RecursionAllowList.Parse(RecursionAllowList.Defaults, "test", "test");

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.0.9", true)]
    [InlineData("::1", true)]
    [InlineData("10.244.1.7", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.49.2", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.127.255.255", true)]
    [InlineData("100.128.0.1", false)]
    [InlineData("fd00:10:244::5", true)]
    [InlineData("fc00::1", true)]
    [InlineData("fe80::1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("::ffff:8.8.8.8", false)]
    public void Allows_DefaultNetworks_PodAndLoopbackRangesOnly(string client, bool allowed)
    {
        var address = IPAddress.Parse(client);

        Assert.Equal(allowed, Defaults.Allows(address));
        Assert.Equal(allowed, Defaults.Allows(new IPEndPoint(address, 5353).Serialize()));
    }

    [Theory]
    [InlineData("192.0.2.7", "192.0.2.7", true)]
    [InlineData("192.0.2.7", "192.0.2.8", false)]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("0.0.0.0/0", "2001:db8::1", false)]
    [InlineData("::/0", "2001:db8::1", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    public void Allows_ConfiguredNetwork_MatchesItsClients(string network, string client, bool allowed)
    {
        var list = RecursionAllowList.Parse([network], "test", "test");

        Assert.Equal(allowed, list.Allows(IPAddress.Parse(client)));
    }

    [Fact]
    public void Parse_BadNetworks_ArgumentExceptionNamingEachValue()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            RecursionAllowList.Parse(["10.0.0.0/8", "10.0.0.0/33", "10.0.0.1/8", "nope", "fc00::/129", "10.0.0.0/-1"], "Options.RecursionAllowedNetworks", "RecursionAllowedNetworks"));

        Assert.StartsWith("Options.RecursionAllowedNetworks: '10.0.0.0/33', '10.0.0.1/8', 'nope', 'fc00::/129', '10.0.0.0/-1' are not networks in CIDR notation", error.Message, StringComparison.Ordinal);
        Assert.Equal("RecursionAllowedNetworks", error.ParamName);
    }

    [Fact]
    public void Allows_ManyClients_AllocatesNothing()
    {
        var addresses = new[] { IPAddress.Parse("10.1.2.3"), IPAddress.Parse("8.8.8.8"), IPAddress.Parse("fd00::1"), IPAddress.Parse("2001:db8::1") };
        var sockets = addresses.Select(a => new IPEndPoint(a, 53).Serialize()).ToArray();
        var matched = 0;
        for (var i = 0; i < 100; i++)
        {
            matched += Defaults.Allows(addresses[i % 4]) ? 1 : 0;
            matched += Defaults.Allows(sockets[i % 4]) ? 1 : 0;
        }

        var allocated = long.MaxValue;
        for (var round = 0; round < 3 && allocated > 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                matched += Defaults.Allows(addresses[i % 4]) ? 1 : 0;
                matched += Defaults.Allows(sockets[i % 4]) ? 1 : 0;
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(matched > 0);
        Assert.True(allocated == 0, $"matching 2,000 clients allocated {allocated} bytes");
    }
}
