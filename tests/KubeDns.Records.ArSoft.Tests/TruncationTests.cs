namespace KubeDns.Records.ArSoft.Tests;

/// <summary>
/// UDP truncation through ARSoft's own server is the core's (specification.md §15): whole RRsets only, TC when an
/// answer RRset does not fit, the limit the client's size capped at ours; ARSoft's own truncation, which cuts RRsets
/// by estimated lengths, never runs because the core's response already fits.
/// </summary>
public sealed class TruncationTests : IDisposable
{
    private readonly ArSoftHost _host = ArSoftHost.Start(new KubeDnsQueryHandler(AdapterCluster.Create()).OnQueryReceivedAsync);

    [Fact]
    public async Task Dig_RRsetOver512WithoutEdns_TcAndNoPartialRRset()
    {
        var output = await Dig.RunAsync(_host.EndPoint, "+noedns", "+notcp", "+ignore", AdapterCluster.Forty, "A");

        Assert.Contains("tc", Dig.Flags(output).Split(' '));
        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Empty(Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Dig_RRsetUnder1232WithEdns_WholeAnswerOverUdp()
    {
        var output = await Dig.RunAsync(_host.EndPoint, "+notcp", "+ignore", AdapterCluster.Forty, "A");

        Assert.DoesNotContain("tc", Dig.Flags(output).Split(' '));
        Assert.Equal(40, Dig.Section(output, "ANSWER").Length);
    }

    [Fact]
    public async Task Dig_ClientSizeAboveOurs_CappedAt1232()
    {
        var output = await Dig.RunAsync(_host.EndPoint, "+bufsize=4096", "+notcp", "+ignore", AdapterCluster.TwoHundred, "A");

        Assert.Contains("tc", Dig.Flags(output).Split(' '));
        Assert.Empty(Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Dig_TruncatedThenTcp_EveryRecord()
    {
        var output = await Dig.RunAsync(_host.EndPoint, "+noedns", AdapterCluster.TwoHundred, "A");

        Assert.Contains(";; Truncated, retrying in TCP mode.", output);
        Assert.Equal(200, Dig.Section(output, "ANSWER").Length);
        Assert.Contains("(TCP)", output);
    }

    [Fact]
    public async Task Dig_SrvWithGlueOver1232_AnswerKeptGlueDroppedWithoutTc()
    {
        // 18 SRV records fit in 1232 bytes; their glue A records do not, and dropping additional data sets no TC
        // (RFC 2181 §9).
        var output = await Dig.RunAsync(_host.EndPoint, "+notcp", "+ignore", AdapterCluster.Eighteen, "SRV");

        Assert.DoesNotContain("tc", Dig.Flags(output).Split(' '));
        Assert.Equal(18, Dig.Section(output, "ANSWER").Length);
        Assert.Empty(Dig.Section(output, "ADDITIONAL"));
    }

    public void Dispose() => _host.Dispose();
}
