using System.Net;
using ARSoft.Tools.Net.Dns;

namespace KubeDns.Records.ArSoft.Tests;

/// <summary>
/// <see cref="KubeDnsQueryHandlerOptions.FallThrough"/> on ARSoft's own server beside a handler of the user's, which
/// answers every name in <c>example.com</c> with 192.0.2.1.
/// </summary>
public sealed class FallThroughTests
{
    private static readonly KubeDnsQueryHandler Kube = new(AdapterCluster.Create(), new KubeDnsQueryHandlerOptions { FallThrough = true });

    [Theory]
    [InlineData("+notcp")]
    [InlineData("+tcp")]
    public async Task Dig_NameOutsideZonesBesideOwnHandler_OwnHandlerAnswers(string transport)
    {
        using var host = ArSoftHost.Start(Kube.OnQueryReceivedAsync, OwnHandlerSkippingClusterQueries);

        var output = await Dig.RunAsync(host.EndPoint, transport, "www.example.com", "A");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(["www.example.com. 60 IN A 192.0.2.1"], Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Dig_ClusterNameBesideOwnHandler_ClusterAnswers()
    {
        // The handlers run at once and the last to set Response wins: the own handler skips what Kube answers.
        using var host = ArSoftHost.Start(Kube.OnQueryReceivedAsync, OwnHandlerSkippingClusterQueries);

        var output = await Dig.RunAsync(host.EndPoint, "quote.kiada.svc.cluster.local", "A");

        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(output, "ANSWER"));
        Assert.Contains("aa", Dig.Flags(output).Split(' '));
    }

    [Theory]
    [InlineData("www.example.com", "www.example.com. 60 IN A 192.0.2.1")]
    [InlineData("quote.kiada.svc.cluster.local", "quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97")]
    public async Task Dig_OneHandlerRespondThenOwn_EachNameFromItsSource(string name, string answer)
    {
        using var host = ArSoftHost.Start((_, e) =>
        {
            e.Response = Kube.Respond(e.Query, e.TransportProtocol) ?? Own(e.Query);
            return Task.CompletedTask;
        });

        var output = await Dig.RunAsync(host.EndPoint, name, "A");

        Assert.Equal([answer], Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Dig_NameOutsideZonesNoOtherHandler_ServFailFromArSoft()
    {
        using var host = ArSoftHost.Start(Kube.OnQueryReceivedAsync);

        var output = await Dig.RunAsync(host.EndPoint, "www.example.com", "A");

        Assert.Equal("SERVFAIL", Dig.Status(output));
    }

    [Theory]
    [InlineData("www.example.com", false)]
    [InlineData("quote.kiada.svc.cluster.local", true)]
    [InlineData("nope.kiada.svc.cluster.local", true)] // NXDOMAIN is the cluster's answer too
    public void Answers_Name_TrueForClusterNames(string name, bool expected)
    {
        var query = new DnsMessage { Questions = [new DnsQuestion(ARSoft.Tools.Net.DomainName.Parse(name), ARSoft.Tools.Net.Dns.RecordType.A, RecordClass.INet)] };

        Assert.Equal(expected, Kube.Answers(query));
    }

    [Fact]
    public void Answers_BadEdnsVersionOutsideZones_TrueBecauseTheCoreSaysBadVers()
    {
        var query = new DnsMessage { Questions = [new DnsQuestion(ARSoft.Tools.Net.DomainName.Parse("www.example.com"), ARSoft.Tools.Net.Dns.RecordType.A, RecordClass.INet)] };
        query.IsEDnsEnabled = true;
        query.EDnsOptions!.Version = 1;

        Assert.True(Kube.Answers(query));
    }

    /// <summary>A user's own handler beside Kube: it leaves alone every query the cluster answers.</summary>
    private static Task OwnHandlerSkippingClusterQueries(object sender, QueryReceivedEventArgs e)
    {
        if (!Kube.Answers(e.Query) && Own(e.Query) is { } response)
        {
            e.Response = response;
        }

        return Task.CompletedTask;
    }

    private static DnsMessage? Own(DnsMessageBase query)
    {
        if (query is not DnsMessage { Questions: [var question] } message
            || !question.Name.IsEqualOrSubDomainOf(ARSoft.Tools.Net.DomainName.Parse("example.com")))
        {
            return null;
        }

        var response = message.CreateResponseInstance();
        response.AnswerRecords.Add(new ARecord(question.Name, 60, IPAddress.Parse("192.0.2.1")));
        return response;
    }
}
