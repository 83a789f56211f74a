using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using ArSoftRecordType = ARSoft.Tools.Net.Dns.RecordType;

namespace KubeDns.Records.ArSoft.Tests;

/// <summary>
/// <see cref="KubeDnsQueryHandler.Respond"/> on messages built as ARSoft parses them: what dig cannot send, and what the
/// handler carries over from the query.
/// </summary>
public sealed class KubeDnsQueryHandlerTests
{
    private static readonly KubeDnsQueryHandler Handler = new(AdapterCluster.Create());

    [Theory]
    [InlineData("a.b")]
    [InlineData("a\\b")]
    [InlineData("a b")]
    [InlineData("a;b")]
    [InlineData("a\"b")]
    [InlineData("a\u0001b")]
    public void Respond_SpecialCharacterLabelInZone_NxDomainWithAaSoaAndLabelEchoed(string label)
    {
        var response = Handler.Respond(Query(new DomainName([label, "kiada", "svc", "cluster", "local"])), TransportProtocol.Udp);

        Assert.NotNull(response);
        Assert.Equal(ReturnCode.NxDomain, response.ReturnCode);
        Assert.True(response.IsAuthoritiveAnswer);
        Assert.Equal(ArSoftRecordType.Soa, Assert.Single(response.AuthorityRecords).RecordType);
        Assert.Equal(label, Assert.Single(response.Questions).Name.Labels[0]);
    }

    [Fact]
    public void Respond_LabelContainingDotOutsideZones_Refused()
    {
        var response = Handler.Respond(Query(new DomainName(["quote", "kiada.svc.cluster", "local"])), TransportProtocol.Udp);

        Assert.Equal(ReturnCode.Refused, response?.ReturnCode);
    }

    [Fact]
    public void Respond_TwoQuestions_FormErr()
    {
        var query = Query(DomainName.Parse("quote.kiada.svc.cluster.local"));
        query.Questions.Add(new DnsQuestion(DomainName.Parse("dual.kiada.svc.cluster.local"), ArSoftRecordType.A, RecordClass.INet));

        Assert.Equal(ReturnCode.FormatError, Handler.Respond(query, TransportProtocol.Udp)?.ReturnCode);
    }

    [Fact]
    public void Respond_Query_TransactionIdAndFlagsCarriedOver()
    {
        var query = Query(DomainName.Parse("quote.kiada.svc.cluster.local"));
        query.TransactionID = 0x4B1D;
        query.IsRecursionDesired = true;
        query.IsCheckingDisabled = true;

        var response = Handler.Respond(query, TransportProtocol.Tcp);

        Assert.NotNull(response);
        Assert.Equal((0x4B1D, true, true, false, false), (response.TransactionID, response.IsRecursionDesired, response.IsCheckingDisabled, response.IsQuery, response.IsRecursionAllowed));
    }

    [Fact]
    public void Respond_RecursionAvailableOption_RaSet()
    {
        var handler = new KubeDnsQueryHandler(AdapterCluster.Create(), new KubeDnsQueryHandlerOptions { RecursionAvailable = true });

        Assert.True(handler.Respond(Query(DomainName.Parse("quote.kiada.svc.cluster.local")), TransportProtocol.Udp)?.IsRecursionAllowed);
    }

    [Fact]
    public void Respond_NotSynced_ServFailForMissingName()
    {
        var handler = new KubeDnsQueryHandler(AdapterCluster.Create(synced: false));

        Assert.Equal(ReturnCode.ServerFailure, handler.Respond(Query(DomainName.Parse("nope.kiada.svc.cluster.local")), TransportProtocol.Udp)?.ReturnCode);
    }

    [Fact]
    public void Respond_ClusterChanged_NextQueryAnswersFromNewSnapshot()
    {
        var state = AdapterCluster.Create();
        var handler = new KubeDnsQueryHandler(state);
        state.Apply(new ClusterChangeBatch().Delete(ObjectKey.ForService("kiada", "quote")));

        Assert.Equal(ReturnCode.NxDomain, handler.Respond(Query(DomainName.Parse("quote.kiada.svc.cluster.local")), TransportProtocol.Udp)?.ReturnCode);
    }

    [Fact]
    public void Respond_ResponseMessage_NullSoArSoftAnswersServFail()
    {
        var query = Query(DomainName.Parse("quote.kiada.svc.cluster.local"));
        query.IsQuery = false;

        Assert.Null(Handler.Respond(query, TransportProtocol.Udp));
    }

    [Theory]
    [InlineData(511)]
    [InlineData(65536)]
    public void Constructor_PayloadSizeOutOfRange_ArgumentExceptionNamingOptionAndValue(int size)
    {
        var error = Assert.Throws<ArgumentException>(() => new KubeDnsQueryHandler(AdapterCluster.Create(), new KubeDnsQueryHandlerOptions { MaxUdpPayloadSize = size }));

        Assert.Equal($"KubeDnsQueryHandlerOptions.MaxUdpPayloadSize: {size} is not in 512..65535. (Parameter 'MaxUdpPayloadSize')", error.Message);
        Assert.Equal("MaxUdpPayloadSize", error.ParamName);
    }

    [Fact]
    public void Constructor_NullState_ArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => new KubeDnsQueryHandler(null!));

    private static DnsMessage Query(DomainName name) =>
        new() { Questions = [new DnsQuestion(name, ArSoftRecordType.A, RecordClass.INet)] };
}
