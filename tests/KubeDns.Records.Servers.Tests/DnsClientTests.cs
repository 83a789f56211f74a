using System.Net;
using DnsClient;
using DnsClient.Protocol;

namespace KubeDns.Records.Servers.Tests;

/// <summary>
/// A second, independent client: DnsClient.NET, on each engine. It compares names case-sensitively in places, so the
/// names here are lower case.
/// </summary>
public abstract class DnsClientTests(ServerFixture fixture)
{
    [Fact]
    public async Task QueryAsync_A_AnswersClusterIP()
    {
        var result = await Client().QueryAsync("quote.kiada.svc.cluster.local", QueryType.A);

        Assert.False(result.HasError, result.ErrorMessage);
        Assert.Equal(DnsHeaderResponseCode.NoError, result.Header.ResponseCode);
        Assert.True(result.Header.HasAuthorityAnswer);
        Assert.False(result.Header.RecursionAvailable);
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Zone(result.Answers));
    }

    [Fact]
    public async Task QueryAsync_Aaaa_AnswersIPv6()
    {
        var result = await Client().QueryAsync("dual.kiada.svc.cluster.local", QueryType.AAAA);

        Assert.Equal(["dual.kiada.svc.cluster.local. 5 IN AAAA fd00:10:96::5"], Zone(result.Answers));
    }

    [Fact]
    public async Task QueryAsync_Srv_AnswersWithGlueInAdditional()
    {
        var result = await Client().QueryAsync("_postgres._tcp.db-headless.data.svc.cluster.local", QueryType.SRV);

        Assert.Equal(
            [
                "_postgres._tcp.db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db-headless.data.svc.cluster.local.",
                "_postgres._tcp.db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-1.db-headless.data.svc.cluster.local.",
            ],
            Zone(result.Answers));
        Assert.Equal(
            [
                "db-0.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.5",
                "db-1.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.6",
            ],
            Zone(result.Additionals.Where(r => r.RecordType != ResourceRecordType.OPT)));
    }

    [Fact]
    public async Task QueryAsync_Cname_ExternalNameAnswersCname()
    {
        var result = await Client().QueryAsync("external-api.default.svc.cluster.local", QueryType.CNAME);

        Assert.Equal(DnsHeaderResponseCode.NoError, result.Header.ResponseCode);
        Assert.Equal("external-api.default.svc.cluster.local.", Assert.Single(result.Questions).QueryName.Value);
        Assert.Equal(["external-api.default.svc.cluster.local. 5 IN CNAME api.example.com."], Zone(result.Answers));
    }

    [Fact]
    public async Task QueryAsync_CnameChase_CnameThenTargetAddress()
    {
        var result = await Client().QueryAsync("quote-alias.kiada.svc.cluster.local", QueryType.A);

        Assert.Equal(
            [
                "quote-alias.kiada.svc.cluster.local. 5 IN CNAME quote.kiada.svc.cluster.local.",
                "quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97",
            ],
            Zone(result.Answers));
    }

    [Fact]
    public async Task QueryAsync_NxDomain_SoaInAuthority()
    {
        var result = await Client().QueryAsync("nope.kiada.svc.cluster.local", QueryType.A);

        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, result.Header.ResponseCode);
        Assert.Empty(result.Answers);
        var soa = Assert.Single(result.Authorities.SoaRecords());
        Assert.Equal("cluster.local.", soa.DomainName.Value);
        Assert.Equal("ns.dns.cluster.local.", soa.MName.Value);
        Assert.Equal("hostmaster.cluster.local.", soa.RName.Value);
        Assert.Equal(5, soa.InitialTimeToLive);
        Assert.Equal((7200u, 1800u, 86400u, 5u), (soa.Refresh, soa.Retry, soa.Expire, soa.Minimum));
        Assert.Equal(fixture.State.Current.Serial, soa.Serial);
    }

    [Fact]
    public async Task QueryAsync_NoData_SoaInAuthority()
    {
        var result = await Client().QueryAsync("web-svc.default.svc.cluster.local", QueryType.AAAA);

        Assert.Equal(DnsHeaderResponseCode.NoError, result.Header.ResponseCode);
        Assert.Empty(result.Answers);
        Assert.Single(result.Authorities.SoaRecords());
    }

    [Fact]
    public async Task QueryAsync_TcpOnly_Answers()
    {
        var result = await Client(o => o.UseTcpOnly = true).QueryAsync("_http._tcp.kiada.kiada.svc.cluster.local", QueryType.SRV);

        Assert.Equal(["_http._tcp.kiada.kiada.svc.cluster.local. 5 IN SRV 0 100 80 kiada.kiada.svc.cluster.local."], Zone(result.Answers));
        Assert.Equal(["kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108"], Zone(result.Additionals.Where(r => r.RecordType != ResourceRecordType.OPT)));
    }

    [Fact]
    public async Task QueryAsync_TcpOnlyNxDomain_SoaInAuthority()
    {
        var result = await Client(o => o.UseTcpOnly = true).QueryAsync("x.time-api.kiada.svc.cluster.local", QueryType.A);

        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, result.Header.ResponseCode);
        Assert.Single(result.Authorities.SoaRecords());
    }

    [Fact]
    public async Task QueryAsync_BigHeadlessWithoutTcpFallback_ReportsTruncation()
    {
        var error = await Assert.ThrowsAsync<DnsResponseException>(() => Client(o => o.UseTcpFallback = false).QueryAsync(ServerFixture.Big, QueryType.A));

        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public async Task QueryAsync_BigHeadless_TruncatedUdpThenAllOverTcp()
    {
        using var answered = new AnsweredQueries(fixture.Server);
        static bool IsBig(AnsweredQuery e) => e.Name.Equals(ServerFixture.Big + ".", StringComparison.OrdinalIgnoreCase);

        var result = await Client().QueryAsync(ServerFixture.Big, QueryType.A);

        Assert.False(result.Header.ResultTruncated);
        Assert.Equal(
            [.. ServerFixture.BigAddresses().Select(a => $"{ServerFixture.Big}. 5 IN A {a}")],
            Zone(result.Answers));

        // One truncated UDP answer, then the whole answer over TCP. The native engine raises the event for a UDP query
        // after sending the reply, so the two events may be raised in either order: compare them as a set.
        var seen = await answered.WaitForAsync(2, IsBig);
        Assert.Equal([false, true], seen.Select(e => e.IsTcp).Order());
    }

    /// <summary>
    /// Records as zone-file lines. DnsClient's <c>ToString</c> prints the TTL left now (it counts down while the result
    /// is held), so the TTL column is replaced by the TTL as received.
    /// </summary>
    private static string[] Zone(IEnumerable<DnsResourceRecord> records) =>
        [.. records.Select(r =>
        {
            var fields = r.ToString().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            fields[1] = r.InitialTimeToLive.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return string.Join(' ', fields);
        })];

    private LookupClient Client(Action<LookupClientOptions>? configure = null)
    {
        var options = new LookupClientOptions(new NameServer(IPAddress.Loopback, fixture.EndPoint.Port))
        {
            UseCache = false,
            Timeout = TimeSpan.FromSeconds(2),
            Retries = 0,
        };
        configure?.Invoke(options);
        return new LookupClient(options);
    }
}

/// <summary><see cref="DnsClientTests"/> on the native engine.</summary>
public sealed class NativeDnsClientTests(NativeServerFixture fixture) : DnsClientTests(fixture), IClassFixture<NativeServerFixture>;
