using Samples;

namespace KubeDns.Records.ArSoft.Tests;

/// <summary>The README's snippet (docs/examples/Samples/ArSoftReadme.cs, compiled into this project) asked with dig.</summary>
public sealed class ArSoftReadmeTests
{
    [Theory]
    [InlineData("+notcp")]
    [InlineData("+tcp")]
    public async Task Serve_ReadmeSnippet_DigGetsTheClusterAnswer(string transport)
    {
        var cluster = SampleCluster.Synced();
        using var host = ArSoftHost.Start(endPoint => ArSoftReadme.Serve(cluster, endPoint));

        var output = await Dig.RunAsync(host.EndPoint, transport, "quote.kiada.svc.cluster.local", "A");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Contains("aa", Dig.Flags(output).Split(' '));
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(output, "ANSWER"));
    }
}
