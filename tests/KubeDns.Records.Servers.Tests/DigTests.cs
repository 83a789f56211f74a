namespace KubeDns.Records.Servers.Tests;

/// <summary>The real <c>dig</c> against a running server, over UDP and TCP (specification.md §14.2, §15), on each engine.</summary>
public abstract class DigTests(ServerFixture fixture)
{
    private const string Soa = "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 5";

    public static TheoryData<string> Transports => new() { "+notcp", "+tcp" };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_ClusterIPService_AnswersClusterIP(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "quote.kiada.svc.cluster.local", "A");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(output, "ANSWER"));
        Assert.Empty(Dig.Section(output, "AUTHORITY"));
        AssertTransport(output, transport);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_HeadlessService_AnswersEveryReadyEndpoint(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "quote-headless.kiada.svc.cluster.local", "A");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(
            [
                "quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.10",
                "quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.8",
                "quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.1.10",
                "quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.9",
            ],
            Dig.Section(output, "ANSWER"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Aaaa_DualStackService_AnswersIPv6ClusterIP(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "dual.kiada.svc.cluster.local", "AAAA");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(["dual.kiada.svc.cluster.local. 5 IN AAAA fd00:10:96::5"], Dig.Section(output, "ANSWER"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Srv_NamedPort_AnswersWithGlueInAdditional(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "_http._tcp.quote-headless.kiada.svc.cluster.local", "SRV");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(
            [
                "_http._tcp.quote-headless.kiada.svc.cluster.local. 5 IN SRV 0 25 80 10-244-2-10.quote-headless.kiada.svc.cluster.local.",
                "_http._tcp.quote-headless.kiada.svc.cluster.local. 5 IN SRV 0 25 80 10-244-2-8.quote-headless.kiada.svc.cluster.local.",
                "_http._tcp.quote-headless.kiada.svc.cluster.local. 5 IN SRV 0 25 80 10-244-1-10.quote-headless.kiada.svc.cluster.local.",
                "_http._tcp.quote-headless.kiada.svc.cluster.local. 5 IN SRV 0 25 80 10-244-2-9.quote-headless.kiada.svc.cluster.local.",
            ],
            Dig.Section(output, "ANSWER"));
        Assert.Equal(
            [
                "10-244-2-10.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.10",
                "10-244-2-8.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.8",
                "10-244-1-10.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.1.10",
                "10-244-2-9.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.9",
            ],
            Dig.Section(output, "ADDITIONAL"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Srv_DualStackService_GlueHasBothFamilies(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "dual.kiada.svc.cluster.local", "SRV");

        Assert.Equal(["dual.kiada.svc.cluster.local. 5 IN SRV 0 100 80 dual.kiada.svc.cluster.local."], Dig.Section(output, "ANSWER"));
        Assert.Equal(
            ["dual.kiada.svc.cluster.local. 5 IN A 10.96.5.5", "dual.kiada.svc.cluster.local. 5 IN AAAA fd00:10:96::5"],
            Dig.Section(output, "ADDITIONAL"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Cname_ExternalNameService_AnswersCnameAlone(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "time-api.kiada.svc.cluster.local", "A");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(["time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org."], Dig.Section(output, "ANSWER"));
        Assert.Empty(Dig.Section(output, "AUTHORITY"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Cname_InZoneTarget_IsChased(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "quote-alias.kiada.svc.cluster.local", "A");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(
            [
                "quote-alias.kiada.svc.cluster.local. 5 IN CNAME quote.kiada.svc.cluster.local.",
                "quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97",
            ],
            Dig.Section(output, "ANSWER"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NxDomain_UnknownService_HasSoaInAuthority(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "nope.kiada.svc.cluster.local", "A");

        Assert.Equal("NXDOMAIN", Dig.Status(output));
        Assert.Empty(Dig.Section(output, "ANSWER"));
        Assert.Equal([Soa], TestServers.WithoutSerial(Dig.Section(output, "AUTHORITY")));
        Assert.Equal("qr aa rd", Dig.Flags(output));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task NoData_MissingFamily_HasSoaInAuthority(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "quote.kiada.svc.cluster.local", "AAAA");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Empty(Dig.Section(output, "ANSWER"));
        Assert.Equal([Soa], TestServers.WithoutSerial(Dig.Section(output, "AUTHORITY")));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MixedCase_Query_OwnerEchoesSpelling(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "QuOtE.KIADA.svc.Cluster.Local", "A");

        Assert.Equal(["QuOtE.KIADA.svc.Cluster.Local. 5 IN A 10.96.161.97"], Dig.Section(output, "ANSWER"));
        Assert.Contains(";QuOtE.KIADA.svc.Cluster.Local. IN A", Dig.Section(output, "QUESTION"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MixedCase_NxDomain_SoaOwnerFollowsQuerySpelling(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "Nope.Kiada.SVC.Cluster.LOCAL", "A");

        Assert.Equal("NXDOMAIN", Dig.Status(output));
        Assert.Equal(
            ["Cluster.LOCAL. 5 IN SOA ns.dns.Cluster.LOCAL. hostmaster.Cluster.LOCAL. <serial> 7200 1800 86400 5"],
            TestServers.WithoutSerial(Dig.Section(output, "AUTHORITY")));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task MixedCase_Srv_TargetIsLowerCaseWithZoneAsSpelled(string transport)
    {
        // specification.md §14.2 #42 and §6.4: made-up names are lower case, the zone as spelled in the query.
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "_HTTP._TCP.Kiada.Kiada.svc.Cluster.Local", "SRV");

        Assert.Equal(["_HTTP._TCP.Kiada.Kiada.svc.Cluster.Local. 5 IN SRV 0 100 80 kiada.kiada.svc.Cluster.Local."], Dig.Section(output, "ANSWER"));
        Assert.Single(Dig.Section(output, "ADDITIONAL"));
    }

    /// <summary>§6.4/§14.2 #42: the SRV glue owner is lower case with the zone as spelled (a test in the engine classes).</summary>
    protected async Task AssertMixedCaseSrvGlueOwnerAsync(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "_HTTP._TCP.Kiada.Kiada.svc.Cluster.Local", "SRV");

        Assert.Equal(["kiada.kiada.svc.Cluster.Local. 5 IN A 10.96.7.108"], Dig.Section(output, "ADDITIONAL"));
    }

    /// <summary>§11/§6.4: the CNAME's RDATA is the lower-cased externalName and the chased owner is spelled as it (a test in the engine classes).</summary>
    protected async Task AssertMixedCaseCnameChaseAsync(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "QUOTE-ALIAS.KIADA.SVC.CLUSTER.LOCAL", "A");

        Assert.Equal(
            [
                "QUOTE-ALIAS.KIADA.SVC.CLUSTER.LOCAL. 5 IN CNAME quote.kiada.svc.cluster.local.",
                "quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97",
            ],
            Dig.Section(output, "ANSWER"));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Flags_NoUpstream_AaSetRaNotSet(string transport)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, transport, "kiada.kiada.svc.cluster.local", "A");

        Assert.Equal("qr aa rd", Dig.Flags(output));
        Assert.Contains("WARNING: recursion requested but not available", output);
    }

    [Fact]
    public async Task Flags_NoRecursionDesired_RdNotEchoed()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+norecurse", "kiada.kiada.svc.cluster.local", "A");

        Assert.Equal("qr aa", Dig.Flags(output));
    }

    [Fact]
    public async Task Edns_Query_GetsOptWithOurPayloadSize()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+bufsize=4096", "quote.kiada.svc.cluster.local", "A");

        Assert.Contains("; EDNS: version: 0, flags:; udp: 1232", output);
    }

    [Fact]
    public async Task Edns_DnssecOk_DoBitCopied()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+dnssec", "quote.kiada.svc.cluster.local", "A");

        Assert.Contains("; EDNS: version: 0, flags: do; udp: 1232", output);
    }

    [Fact]
    public async Task Edns_UnknownOption_Ignored()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+ednsopt=65001:abcd", "quote.kiada.svc.cluster.local", "A");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Srv_ClusterIPServiceOverUdp_GlueAndSrvMatchWorkedExample()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "kube-dns.kube-system.svc.cluster.local", "SRV");

        Assert.Equal(
            [
                "kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 50 53 kube-dns.kube-system.svc.cluster.local.",
                "kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 50 9153 kube-dns.kube-system.svc.cluster.local.",
            ],
            Dig.Section(output, "ANSWER"));
        Assert.Equal(["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"], Dig.Section(output, "ADDITIONAL"));
    }

    [Theory]
    [InlineData("+bufsize=1232")]
    [InlineData("+noedns")]
    [InlineData("+bufsize=4096")]
    public async Task Truncation_BigHeadlessOverUdp_TcSetAndNoPartialRRset(string size)
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+ignore", size, ServerFixture.Big, "A");

        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Contains("tc", Dig.Flags(output).Split(' '));
        Assert.Contains("(UDP)", output);
        // One RRset of 200 A records cannot fit in 512 or 1232 bytes; only whole RRsets are kept, so none is.
        Assert.Contains("ANSWER: 0,", output);
        Assert.Empty(Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Truncation_SmallAnswerTinyBufsize_LimitNeverBelow512()
    {
        // Worked example #3 is about 130 bytes: a client advertising 100 bytes still gets it whole (the limit is at least 512).
        var output = await Dig.RunAsync(fixture.EndPoint, "+ignore", "+bufsize=100", "quote-headless.kiada.svc.cluster.local", "A");

        Assert.DoesNotContain("tc", Dig.Flags(output).Split(' '));
        Assert.Equal(4, Dig.Section(output, "ANSWER").Length);
    }

    [Fact]
    public async Task Truncation_SrvThatFitsWithoutEdns_NotTruncated()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+ignore", "+noedns", "_http._tcp.quote-headless.kiada.svc.cluster.local", "SRV");

        Assert.DoesNotContain("tc", Dig.Flags(output).Split(' '));
        Assert.Equal(4, Dig.Section(output, "ANSWER").Length);
        Assert.Equal(4, Dig.Section(output, "ADDITIONAL").Length);
    }

    [Fact]
    public async Task Truncation_TwelveAddressesWithoutEdns_NotTruncated()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+ignore", "+noedns", ServerFixture.Dozen, "A");

        Assert.DoesNotContain("tc", Dig.Flags(output).Split(' '));
        Assert.Equal(12, Dig.Section(output, "ANSWER").Length);
    }

    [Fact]
    public async Task Truncation_ThirtyAddressesWithEdns1232_NotTruncated()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+ignore", "+bufsize=1232", ServerFixture.Thirty, "A");

        Assert.DoesNotContain("tc", Dig.Flags(output).Split(' '));
        Assert.Equal(30, Dig.Section(output, "ANSWER").Length);
    }

    [Fact]
    public async Task Truncation_BigHeadlessPlainDig_RetriesOverTcpAndGetsAll()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, ServerFixture.Big, "A");

        Assert.Contains(";; Truncated, retrying in TCP mode.", output);
        Assert.Contains("(TCP)", output);
        Assert.Equal("NOERROR", Dig.Status(output));
        Assert.Equal(
            [.. ServerFixture.BigAddresses().Select(a => $"{ServerFixture.Big}. 5 IN A {a}")],
            Dig.Section(output, "ANSWER"));
    }

    [Fact]
    public async Task Truncation_BigHeadlessNoEdns_RetriesOverTcpAndGetsAll()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+noedns", ServerFixture.Big, "A");

        Assert.Contains(";; Truncated, retrying in TCP mode.", output);
        Assert.Equal(ServerFixture.BigEndpoints, Dig.Section(output, "ANSWER").Length);
    }

    [Fact]
    public async Task Truncation_BigHeadlessOverTcp_AllWithoutTc()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+tcp", ServerFixture.Big, "A");

        Assert.DoesNotContain("tc", Dig.Flags(output).Split(' '));
        Assert.Equal(ServerFixture.BigEndpoints, Dig.Section(output, "ANSWER").Length);
    }

    [Fact]
    public async Task Truncation_SrvGlueTooBig_AdditionalDroppedFirstWithoutTc()
    {
        // 200 SRV records fit nowhere in UDP; the additional A records go first, then TC with no partial SRV RRset.
        var output = await Dig.RunAsync(fixture.EndPoint, "+ignore", ServerFixture.Big, "SRV");

        Assert.Contains("tc", Dig.Flags(output).Split(' '));
        Assert.Empty(Dig.Section(output, "ANSWER"));
        Assert.Empty(Dig.Section(output, "ADDITIONAL"));
    }

    [Fact]
    public async Task Truncation_BigSrvOverTcp_AllRecordsAndGlue()
    {
        var output = await Dig.RunAsync(fixture.EndPoint, "+tcp", ServerFixture.Big, "SRV");

        Assert.Equal(ServerFixture.BigEndpoints, Dig.Section(output, "ANSWER").Length);
        Assert.Equal(ServerFixture.BigEndpoints, Dig.Section(output, "ADDITIONAL").Length);
        Assert.Contains($"{ServerFixture.Big}. 5 IN SRV 0 1 80 10-200-0-1.{ServerFixture.Big}.", Dig.Section(output, "ANSWER"));
    }

    private static void AssertTransport(string output, string transport) =>
        Assert.Contains(transport == "+tcp" ? "(TCP)" : "(UDP)", output);
}

/// <summary><see cref="DigTests"/> on the native engine.</summary>
public sealed class NativeDigTests(NativeServerFixture fixture) : DigTests(fixture), IClassFixture<NativeServerFixture>
{
    [Theory]
    [MemberData(nameof(Transports))]
    public Task MixedCase_Srv_GlueOwnerIsLowerCaseWithZoneAsSpelled(string transport) => AssertMixedCaseSrvGlueOwnerAsync(transport);

    [Theory]
    [MemberData(nameof(Transports))]
    public Task MixedCase_CnameChase_TargetAsCnameSpellsIt(string transport) => AssertMixedCaseCnameChaseAsync(transport);
}
