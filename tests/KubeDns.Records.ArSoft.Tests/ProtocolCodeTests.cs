namespace KubeDns.Records.ArSoft.Tests;

/// <summary>
/// The response codes of specification.md §15 through ARSoft's own server, asked with dig: the core decides them, in
/// the core's order, so a query failing two checks gets the same code as from KubeDnsServer.
/// </summary>
public sealed class ProtocolCodeTests : IDisposable
{
    private readonly ArSoftHost _host = ArSoftHost.Start(new KubeDnsQueryHandler(AdapterCluster.Create()).OnQueryReceivedAsync);

    [Theory]
    [InlineData("NOTIMP", "+opcode=2", "quote.kiada.svc.cluster.local", "A")] // STATUS
    [InlineData("NOTIMP", "+opcode=4", "quote.kiada.svc.cluster.local", "SOA")] // NOTIFY
    [InlineData("NOTIMP", "+opcode=5", "kiada.svc.cluster.local", "SOA")] // UPDATE, which ARSoft parses as its own message
    [InlineData("BADVERS", "+edns=1 +noednsneg", "quote.kiada.svc.cluster.local", "A")]
    [InlineData("NOTIMP", "+edns=1 +opcode=4", "quote.kiada.svc.cluster.local", "A")] // the opcode is checked first
    [InlineData("FORMERR", "+noedns", "quote.kiada.svc.cluster.local", "TYPE41")] // OPT is no question (RFC 6895 §3.1)
    [InlineData("FORMERR", "+noedns", "quote.kiada.svc.cluster.local", "TYPE250")] // nor is TSIG
    [InlineData("REFUSED", "-c CH", "quote.kiada.svc.cluster.local", "A")] // class IN only
    [InlineData("REFUSED", "+noedns", "example.com", "A")] // outside every zone, without FallThrough
    public async Task Dig_ProtocolCase_CoreCode(string status, string options, string name, string type)
    {
        var output = await Dig.RunAsync(_host.EndPoint, [.. options.Split(' '), name, type]);

        Assert.Equal(status, Dig.Status(output));
        Assert.DoesNotContain("aa", Dig.Flags(output).Split(' '));
    }

    [Fact]
    public async Task Dig_BadVersion_OptVersionZero()
    {
        var output = await Dig.RunAsync(_host.EndPoint, "+edns=1", "+noednsneg", "quote.kiada.svc.cluster.local", "A");

        Assert.Contains("; EDNS: version: 0,", output);
    }

    [Fact]
    public async Task Dig_EdnsQuery_OurPayloadSizeAdvertised()
    {
        var output = await Dig.RunAsync(_host.EndPoint, "+bufsize=4096", "quote.kiada.svc.cluster.local", "A");

        Assert.Contains("udp: 1232", output);
    }

    [Fact]
    public async Task Dig_MixedCaseName_QuestionEchoedAsSent()
    {
        var output = await Dig.RunAsync(_host.EndPoint, "QuOtE.KIADA.svc.Cluster.Local", "A");

        Assert.Contains(";QuOtE.KIADA.svc.Cluster.Local.", output);
        Assert.Equal(["QuOtE.KIADA.svc.Cluster.Local. 5 IN A 10.96.161.97"], Dig.Section(output, "ANSWER"));
    }

    public void Dispose() => _host.Dispose();
}
