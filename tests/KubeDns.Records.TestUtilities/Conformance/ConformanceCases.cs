namespace KubeDns.Records.TestUtilities;

/// <summary>
/// Expected answers, as zone-file lines, for every row of specification.md §5's outcome matrix, every worked example of
/// §14.2 that concerns the forward zone (numbers in comments), and the seeds' commands. Default options unless the
/// case names a setup.
/// </summary>
public static class ConformanceCases
{
    private const string Soa = ConformanceCase.Soa;

    public static readonly ConformanceCase[] All =
    [
        // ---- §5 apex and structural names ----
        NoData("cluster.local. A"),
        NoData("cluster.local. AAAA"),
        NoData("cluster.local. SRV"),
        NoData("cluster.local. CNAME"),
        NoData("cluster.local. TXT"), // #38
        NoData("cluster.local. MX"),
        Ok("cluster.local. SOA", [Soa]), // #36
        Ok("cluster.local. NS", ["cluster.local. 5 IN NS ns.dns.cluster.local."], ["ns.dns.cluster.local. 5 IN A 10.96.0.10"]), // #37
        Ok("cluster.local. ANY", [Soa, "cluster.local. 5 IN NS ns.dns.cluster.local."], ["ns.dns.cluster.local. 5 IN A 10.96.0.10"]),
        Ok("dns-version.cluster.local. TXT", ["dns-version.cluster.local. 28800 IN TXT \"1.1.0\""]), // #39
        Ok("dns-version.cluster.local. ANY", ["dns-version.cluster.local. 28800 IN TXT \"1.1.0\""]),
        NoData("dns-version.cluster.local. A"),
        NoData("dns-version.cluster.local. SOA"),
        NoData("dns.cluster.local. A"), // #38
        NoData("dns.cluster.local. TXT"),
        NoData("svc.cluster.local. NS"), // #38
        NoData("svc.cluster.local. A"),
        NoData("pod.cluster.local. A"),
        NoData("pod.cluster.local. SRV"),
        Ok("ns.dns.cluster.local. A", ["ns.dns.cluster.local. 5 IN A 10.96.0.10"]),
        NoData("ns.dns.cluster.local. AAAA"),
        NoData("ns.dns.cluster.local. SRV"),
        NoData("ns.dns.cluster.local. TXT"),
        NxDomain("foo.cluster.local. A"), // #40
        NxDomain("x.dns.cluster.local. A"),
        NxDomain("x.ns.dns.cluster.local. A"),
        NxDomain("x.dns-version.cluster.local. TXT"),

        // ---- §5 namespaces ----
        NoData("kiada.svc.cluster.local. A"),
        NoData("kiada.svc.cluster.local. SRV"),
        NoData("kiada.svc.cluster.local. TXT"),
        NoData("app.svc.cluster.local. A"), // #28: the namespace exists through its pod only
        NxDomain("nope.svc.cluster.local. A"),
        NxDomain("nope.svc.cluster.local. SOA"),
        NxDomain("nope.svc.cluster.local. ANY"),

        // ---- §5 ClusterIP / NodePort / LoadBalancer services ----
        Ok("quote.kiada.svc.cluster.local. A", ["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"]), // #1
        NoData("quote.kiada.svc.cluster.local. AAAA"), // #2
        Ok("quote.kiada.svc.cluster.local. SRV",
            ["quote.kiada.svc.cluster.local. 5 IN SRV 0 100 80 quote.kiada.svc.cluster.local."],
            ["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"]),
        NoData("quote.kiada.svc.cluster.local. CNAME"),
        NoData("quote.kiada.svc.cluster.local. TXT"),
        NoData("quote.kiada.svc.cluster.local. MX"),
        NoData("quote.kiada.svc.cluster.local. PTR"),
        NoData("quote.kiada.svc.cluster.local. SOA"),
        NoData("quote.kiada.svc.cluster.local. TYPE65280"),
        Ok("quote.kiada.svc.cluster.local. ANY", // the target's address is already in the answer: no glue (RFC 2181 §5.5)
            ["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97", "quote.kiada.svc.cluster.local. 5 IN SRV 0 100 80 quote.kiada.svc.cluster.local."]),
        Ok("kiada.kiada.svc.cluster.local. A", ["kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108"]), // #8: never the LB IP
        Ok("kiada.kiada.svc.cluster.local. SRV", // #9 and the seed's nslookup -query=SRV kiada
            ["kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 80 kiada.kiada.svc.cluster.local.", "kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 443 kiada.kiada.svc.cluster.local."],
            ["kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108"]),
        Ok("_http._tcp.kiada.kiada.svc.cluster.local. SRV", // #10 and the seed's nslookup -query=SRV _http._tcp.kiada
            ["_http._tcp.kiada.kiada.svc.cluster.local. 5 IN SRV 0 100 80 kiada.kiada.svc.cluster.local."],
            ["kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108"]),
        Ok("_https._tcp.kiada.kiada.svc.cluster.local. SRV",
            ["_https._tcp.kiada.kiada.svc.cluster.local. 5 IN SRV 0 100 443 kiada.kiada.svc.cluster.local."],
            ["kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108"]),
        NoData("_http._tcp.kiada.kiada.svc.cluster.local. A"), // #11
        NoData("_http._tcp.kiada.kiada.svc.cluster.local. TXT"),
        NxDomain("_https._udp.kiada.kiada.svc.cluster.local. SRV"), // #12
        NxDomain("_ftp._tcp.kiada.kiada.svc.cluster.local. SRV"),
        NoData("_tcp.kiada.kiada.svc.cluster.local. TXT"), // #13
        NoData("_tcp.kiada.kiada.svc.cluster.local. SRV"),
        NxDomain("_udp.kiada.kiada.svc.cluster.local. SRV"),
        NxDomain("http.tcp.kiada.kiada.svc.cluster.local. SRV"), // #14
        NxDomain("_http.tcp.kiada.kiada.svc.cluster.local. SRV"),
        NxDomain("x._http._tcp.kiada.kiada.svc.cluster.local. SRV"),
        NoData("dual.kiada.svc.cluster.local. CNAME"),
        Ok("dual.kiada.svc.cluster.local. A", ["dual.kiada.svc.cluster.local. 5 IN A 10.96.5.5"]),
        Ok("dual.kiada.svc.cluster.local. AAAA", ["dual.kiada.svc.cluster.local. 5 IN AAAA fd00:10:96::5"]), // #15
        Ok("dual.kiada.svc.cluster.local. SRV", // #16
            ["dual.kiada.svc.cluster.local. 5 IN SRV 0 100 80 dual.kiada.svc.cluster.local."],
            ["dual.kiada.svc.cluster.local. 5 IN A 10.96.5.5", "dual.kiada.svc.cluster.local. 5 IN AAAA fd00:10:96::5"]),
        Ok("web-svc.default.svc.cluster.local. A", ["web-svc.default.svc.cluster.local. 5 IN A 10.96.0.50"]), // #22: no endpoints, still answered
        Ok("_80-80._tcp.web-svc.default.svc.cluster.local. SRV", // #24
            ["_80-80._tcp.web-svc.default.svc.cluster.local. 5 IN SRV 0 100 80 web-svc.default.svc.cluster.local."],
            ["web-svc.default.svc.cluster.local. 5 IN A 10.96.0.50"]),
        Ok("cache.infra.svc.cluster.local. A", ["cache.infra.svc.cluster.local. 5 IN A 10.96.200.20"]), // #26
        Ok("api.backend.svc.cluster.local. A", ["api.backend.svc.cluster.local. 5 IN A 10.96.100.10"]),
        Ok("kubernetes.default.svc.cluster.local. A", ["kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1"]),
        Ok("kube-dns.kube-system.svc.cluster.local. SRV", // #34: dns/UDP 53 and dns-tcp/TCP 53 give one record
            ["kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 50 53 kube-dns.kube-system.svc.cluster.local.", "kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 50 9153 kube-dns.kube-system.svc.cluster.local."],
            ["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"]),
        Ok("_dns._udp.kube-dns.kube-system.svc.cluster.local. SRV", // #35
            ["_dns._udp.kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 100 53 kube-dns.kube-system.svc.cluster.local."],
            ["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"]),
        Ok("_dns-tcp._tcp.kube-dns.kube-system.svc.cluster.local. SRV",
            ["_dns-tcp._tcp.kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 100 53 kube-dns.kube-system.svc.cluster.local."],
            ["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"]),
        NxDomain("_dns._tcp.kube-dns.kube-system.svc.cluster.local. SRV"),
        Ok("np.extra.svc.cluster.local. A", ["np.extra.svc.cluster.local. 5 IN A 10.96.50.1"]),
        Ok("_web._tcp.np.extra.svc.cluster.local. SRV",
            ["_web._tcp.np.extra.svc.cluster.local. 5 IN SRV 0 100 8080 np.extra.svc.cluster.local."],
            ["np.extra.svc.cluster.local. 5 IN A 10.96.50.1"]),
        Ok("noports.extra.svc.cluster.local. A", ["noports.extra.svc.cluster.local. 5 IN A 10.96.50.2"]),
        NoData("noports.extra.svc.cluster.local. SRV"),
        NxDomain("_tcp.noports.extra.svc.cluster.local. SRV"),
        NoData("v6only.extra.svc.cluster.local. A"),
        Ok("v6only.extra.svc.cluster.local. AAAA", ["v6only.extra.svc.cluster.local. 5 IN AAAA fd00:10:96::50"]),
        Ok("v6only.extra.svc.cluster.local. SRV",
            ["v6only.extra.svc.cluster.local. 5 IN SRV 0 100 80 v6only.extra.svc.cluster.local."],
            ["v6only.extra.svc.cluster.local. 5 IN AAAA fd00:10:96::50"]),
        Ok("udp-svc.extra.svc.cluster.local. SRV",
            ["udp-svc.extra.svc.cluster.local. 5 IN SRV 0 100 53 udp-svc.extra.svc.cluster.local."],
            ["udp-svc.extra.svc.cluster.local. 5 IN A 10.96.50.3"]),
        NoData("_udp.udp-svc.extra.svc.cluster.local. A"),
        NoData("_tcp.udp-svc.extra.svc.cluster.local. A"),

        // ---- §5 headless services ----
        Ok("quote-headless.kiada.svc.cluster.local. A", // #3 and the seed's nslookup quote-headless
        [
            "quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.10",
            "quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.8",
            "quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.1.10",
            "quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.9",
        ]),
        NoData("quote-headless.kiada.svc.cluster.local. AAAA"),
        NoData("quote-headless.kiada.svc.cluster.local. CNAME"),
        NoData("quote-headless.kiada.svc.cluster.local. TXT"),
        Ok("_http._tcp.quote-headless.kiada.svc.cluster.local. SRV", // #4
        [
            "_http._tcp.quote-headless.kiada.svc.cluster.local. 5 IN SRV 0 25 80 10-244-2-10.quote-headless.kiada.svc.cluster.local.",
            "_http._tcp.quote-headless.kiada.svc.cluster.local. 5 IN SRV 0 25 80 10-244-2-8.quote-headless.kiada.svc.cluster.local.",
            "_http._tcp.quote-headless.kiada.svc.cluster.local. 5 IN SRV 0 25 80 10-244-1-10.quote-headless.kiada.svc.cluster.local.",
            "_http._tcp.quote-headless.kiada.svc.cluster.local. 5 IN SRV 0 25 80 10-244-2-9.quote-headless.kiada.svc.cluster.local.",
        ],
        [
            "10-244-2-10.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.10",
            "10-244-2-8.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.8",
            "10-244-1-10.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.1.10",
            "10-244-2-9.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.9",
        ]),
        Ok("db-headless.data.svc.cluster.local. A", // #30: db-2 is not ready
            ["db-headless.data.svc.cluster.local. 5 IN A 10.244.3.5", "db-headless.data.svc.cluster.local. 5 IN A 10.244.3.6"]),
        Ok("_postgres._tcp.db-headless.data.svc.cluster.local. SRV", // #31
            ["_postgres._tcp.db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db-headless.data.svc.cluster.local.", "_postgres._tcp.db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-1.db-headless.data.svc.cluster.local."],
            ["db-0.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.5", "db-1.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.6"]),
        Ok("db-headless.data.svc.cluster.local. SRV",
            ["db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db-headless.data.svc.cluster.local.", "db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-1.db-headless.data.svc.cluster.local."],
            ["db-0.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.5", "db-1.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.6"]),
        NxDomain("empty-headless.extra.svc.cluster.local. A"),
        NxDomain("empty-headless.extra.svc.cluster.local. SRV"),
        NxDomain("empty-headless.extra.svc.cluster.local. TXT"),
        NxDomain("_http._tcp.empty-headless.extra.svc.cluster.local. SRV"),

        // ---- §5 endpoint names (§6.3) ----
        Ok("10-244-2-9.quote-headless.kiada.svc.cluster.local. A", ["10-244-2-9.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.9"]), // #5
        Ok("10-244-2-9.quote.kiada.svc.cluster.local. A", ["10-244-2-9.quote.kiada.svc.cluster.local. 5 IN A 10.244.2.9"]), // #7
        NoData("10-244-2-9.quote.kiada.svc.cluster.local. AAAA"),
        NoData("10-244-2-9.quote.kiada.svc.cluster.local. CNAME"),
        Ok("10-244-2-9.quote.kiada.svc.cluster.local. SRV",
            ["10-244-2-9.quote.kiada.svc.cluster.local. 5 IN SRV 0 100 80 10-244-2-9.quote.kiada.svc.cluster.local."],
            ["10-244-2-9.quote.kiada.svc.cluster.local. 5 IN A 10.244.2.9"]),
        Ok("10-244-1-7.kiada.kiada.svc.cluster.local. SRV",
            ["10-244-1-7.kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 8080 10-244-1-7.kiada.kiada.svc.cluster.local.", "10-244-1-7.kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 8443 10-244-1-7.kiada.kiada.svc.cluster.local."],
            ["10-244-1-7.kiada.kiada.svc.cluster.local. 5 IN A 10.244.1.7"]),
        Ok("fd00-10-244-1--7.dual.kiada.svc.cluster.local. AAAA", ["fd00-10-244-1--7.dual.kiada.svc.cluster.local. 5 IN AAAA fd00:10:244:1::7"]),
        NoData("fd00-10-244-1--7.dual.kiada.svc.cluster.local. A"),
        Ok("db-0.db-headless.data.svc.cluster.local. A", ["db-0.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.5"]),
        Ok("db-1.db-headless.data.svc.cluster.local. SRV",
            ["db-1.db-headless.data.svc.cluster.local. 5 IN SRV 0 100 5432 db-1.db-headless.data.svc.cluster.local."],
            ["db-1.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.6"]),
        NxDomain("db-2.db-headless.data.svc.cluster.local. A"), // #32
        NxDomain("10-244-3-5.db-headless.data.svc.cluster.local. A"), // #33: the endpoint is named db-0
        NxDomain("quote-canary.quote-headless.kiada.svc.cluster.local. A"), // pod names only with EndpointPodNames
        NxDomain("10-244-9-9.quote.kiada.svc.cluster.local. A"),
        NxDomain("x.10-244-2-9.quote.kiada.svc.cluster.local. A"),
        NxDomain("a.b.c.d.e.svc.cluster.local. A"),

        // ---- §5 and §11 ExternalName ----
        Ok("time-api.kiada.svc.cluster.local. A", ["time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org."]), // #17 and the seed
        Ok("time-api.kiada.svc.cluster.local. SRV", ["time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org."]), // #18
        Ok("time-api.kiada.svc.cluster.local. AAAA", ["time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org."]),
        Ok("time-api.kiada.svc.cluster.local. TXT", ["time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org."]),
        Ok("time-api.kiada.svc.cluster.local. CNAME", ["time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org."]),
        Ok("time-api.kiada.svc.cluster.local. ANY", ["time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org."]),
        Ok("external-api.default.svc.cluster.local. CNAME", ["external-api.default.svc.cluster.local. 5 IN CNAME api.example.com."]), // #25
        Ok("payments.default.svc.cluster.local. A", ["payments.default.svc.cluster.local. 5 IN CNAME payments.stripe.com."]), // seed quiz
        Ok("quote-alias.kiada.svc.cluster.local. A", // #19
            ["quote-alias.kiada.svc.cluster.local. 5 IN CNAME quote.kiada.svc.cluster.local.", "quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"]),
        Ok("quote-alias.kiada.svc.cluster.local. AAAA", // #20
            ["quote-alias.kiada.svc.cluster.local. 5 IN CNAME quote.kiada.svc.cluster.local."], Authority: [Soa]),
        Ok("quote-alias.kiada.svc.cluster.local. CNAME", ["quote-alias.kiada.svc.cluster.local. 5 IN CNAME quote.kiada.svc.cluster.local."]),
        Ok("quote-alias.kiada.svc.cluster.local. SRV",
            ["quote-alias.kiada.svc.cluster.local. 5 IN CNAME quote.kiada.svc.cluster.local.", "quote.kiada.svc.cluster.local. 5 IN SRV 0 100 80 quote.kiada.svc.cluster.local."],
            ["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"]),
        Ok("chain.extra.svc.cluster.local. A",
        [
            "chain.extra.svc.cluster.local. 5 IN CNAME quote-alias.kiada.svc.cluster.local.",
            "quote-alias.kiada.svc.cluster.local. 5 IN CNAME quote.kiada.svc.cluster.local.",
            "quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97",
        ]),
        Ok("hl-alias.extra.svc.cluster.local. SRV",
        [
            "hl-alias.extra.svc.cluster.local. 5 IN CNAME db-headless.data.svc.cluster.local.",
            "db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db-headless.data.svc.cluster.local.",
            "db-headless.data.svc.cluster.local. 5 IN SRV 0 50 5432 db-1.db-headless.data.svc.cluster.local.",
        ],
        ["db-0.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.5", "db-1.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.6"]),
        new ConformanceCase("dangling.extra.svc.cluster.local. A", "NXDOMAIN", ["dangling.extra.svc.cluster.local. 5 IN CNAME missing.extra.svc.cluster.local."], Authority: [Soa]),
        Ok("loop-a.extra.svc.cluster.local. A",
            ["loop-a.extra.svc.cluster.local. 5 IN CNAME loop-b.extra.svc.cluster.local.", "loop-b.extra.svc.cluster.local. 5 IN CNAME loop-a.extra.svc.cluster.local."]),
        NxDomain("ip-alias.extra.svc.cluster.local. A"),
        NxDomain("ip-alias.extra.svc.cluster.local. CNAME"),
        NxDomain("x.time-api.kiada.svc.cluster.local. A"), // #21
        NxDomain("_http._tcp.time-api.kiada.svc.cluster.local. SRV"),

        // ---- unknown names ----
        NxDomain("nope.kiada.svc.cluster.local. A"), // #40
        NxDomain("nope.kiada.svc.cluster.local. SOA"), // #40
        NxDomain("cache.app.svc.cluster.local. A"), // #27
        NxDomain("cache.svc.cluster.local. A"), // seed quiz: no namespace "cache"
        NxDomain("cache.svc.cluster.local.app.svc.cluster.local. A"), // #29
        NxDomain("web.default.svc.cluster.local.app.svc.cluster.local. A"),
        NxDomain("x.pod.cluster.local. A"),
        NxDomain("10-244-1-4.kiada.pod.cluster.local. A"), // pod records are off by default (§9)

        // ---- §6.4 case ----
        Ok("QuOtE.KIADA.svc.Cluster.Local. A", ["QuOtE.KIADA.svc.Cluster.Local. 5 IN A 10.96.161.97"]), // #41
        Ok("_HTTP._TCP.Kiada.Kiada.svc.Cluster.Local. SRV", // #42
            ["_HTTP._TCP.Kiada.Kiada.svc.Cluster.Local. 5 IN SRV 0 100 80 kiada.kiada.svc.Cluster.Local."],
            ["kiada.kiada.svc.Cluster.Local. 5 IN A 10.96.7.108"]),
        Ok("CLUSTER.LOCAL. NS", ["CLUSTER.LOCAL. 5 IN NS ns.dns.CLUSTER.LOCAL."], ["ns.dns.CLUSTER.LOCAL. 5 IN A 10.96.0.10"]),
        new ConformanceCase("Nope.Kiada.SVC.Cluster.LOCAL. A", "NXDOMAIN", [],
            Authority: ["Cluster.LOCAL. 5 IN SOA ns.dns.Cluster.LOCAL. hostmaster.Cluster.LOCAL. <serial> 7200 1800 86400 5"]),
        new ConformanceCase("Quote-Alias.Kiada.svc.Cluster.Local. AAAA", "NOERROR",
            ["Quote-Alias.Kiada.svc.Cluster.Local. 5 IN CNAME quote.kiada.svc.cluster.local."],
            Authority: ["Cluster.Local. 5 IN SOA ns.dns.Cluster.Local. hostmaster.Cluster.Local. <serial> 7200 1800 86400 5"]),
        NxDomain(".cluster.local. SOA"),
        Ok("Quote-Alias.Kiada.svc.cluster.local. A",
            ["Quote-Alias.Kiada.svc.cluster.local. 5 IN CNAME quote.kiada.svc.cluster.local.", "quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"]),


        // ---- §8 reverse zones (PTR) ----
        Ok("97.161.96.10.in-addr.arpa. PTR", ["97.161.96.10.in-addr.arpa. 5 IN PTR quote.kiada.svc.cluster.local."]), // #43
        Ok("9.2.244.10.in-addr.arpa. PTR", // #44: a pod selected by two services answers two PTRs
            ["9.2.244.10.in-addr.arpa. 5 IN PTR 10-244-2-9.quote.kiada.svc.cluster.local.", "9.2.244.10.in-addr.arpa. 5 IN PTR 10-244-2-9.quote-headless.kiada.svc.cluster.local."]),
        Ok("5.3.244.10.in-addr.arpa. PTR", ["5.3.244.10.in-addr.arpa. 5 IN PTR db-0.db-headless.data.svc.cluster.local."]), // #45
        Ok("5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa. PTR", // #46
            ["5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa. 5 IN PTR dual.kiada.svc.cluster.local."]),
        Ok("7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.4.4.2.0.0.1.0.0.0.0.d.f.ip6.arpa. PTR", // #47
            ["7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.4.4.2.0.0.1.0.0.0.0.d.f.ip6.arpa. 5 IN PTR fd00-10-244-1--7.dual.kiada.svc.cluster.local."]),
        Ok("7.1.244.10.in-addr.arpa. PTR", // kiada-001 backs kiada and dual
            ["7.1.244.10.in-addr.arpa. 5 IN PTR 10-244-1-7.dual.kiada.svc.cluster.local.", "7.1.244.10.in-addr.arpa. 5 IN PTR 10-244-1-7.kiada.kiada.svc.cluster.local."]),
        Ok("10.0.96.10.in-addr.arpa. PTR", ["10.0.96.10.in-addr.arpa. 5 IN PTR kube-dns.kube-system.svc.cluster.local."]),
        Ok("2.0.18.172.in-addr.arpa. PTR", ["2.0.18.172.in-addr.arpa. 5 IN PTR 172-18-0-2.kubernetes.default.svc.cluster.local."]),
        Ok("97.161.96.10.IN-ADDR.ARPA. PTR", ["97.161.96.10.IN-ADDR.ARPA. 5 IN PTR quote.kiada.svc.cluster.local."]),
        Ok("97.161.96.10.in-addr.arpa. ANY", ["97.161.96.10.in-addr.arpa. 5 IN PTR quote.kiada.svc.cluster.local."]),
        RevNoData("97.161.96.10.in-addr.arpa. A"),
        RevNoData("244.10.in-addr.arpa. PTR"), // #48: an ancestor
        RevNoData("10.in-addr.arpa. PTR"),
        RevNoData("161.96.10.in-addr.arpa. TXT"),
        RevNoData("d.f.ip6.arpa. PTR", "ip6.arpa."),
        RevNxDomain("8.8.8.8.in-addr.arpa. PTR"), // #49 (not ours: a host with an upstream forwards it)
        RevNxDomain("7.3.244.10.in-addr.arpa. PTR"), // db-2 is not ready
        RevNxDomain("50.0.96.10.in-addr.arpa. PTR", Setup: "IgnoreEmptyServices"), // web-svc has no endpoints
        RevNxDomain("30.2.244.10.in-addr.arpa. PTR", Setup: "Namespaces=kiada"), // infra is not allowed
        RevNxDomain("x.9.2.244.10.in-addr.arpa. PTR"),
        RevNxDomain("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa. PTR", "ip6.arpa."),
        new ConformanceCase("in-addr.arpa. SOA", "NOERROR", ["in-addr.arpa. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 5"]),
        Ok("in-addr.arpa. NS", ["in-addr.arpa. 5 IN NS ns.dns.cluster.local."], ["ns.dns.cluster.local. 5 IN A 10.96.0.10"]),
        Ok("97.161.96.10.in-addr.arpa. PTR", ["97.161.96.10.in-addr.arpa. 5 IN PTR quote.kiada.svc.cluster.local."], Setup: "ReverseZones=10.96.0.0/12"),
        new ConformanceCase("9.2.244.10.in-addr.arpa. PTR", "REFUSED", [], Authority: [], Setup: "ReverseZones=10.96.0.0/12"),
        new ConformanceCase("96.10.in-addr.arpa. SOA", "NOERROR",
            ["96.10.in-addr.arpa. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 5"], Setup: "ReverseZones=10.96.0.0/12"),

        // ---- §9 pod records ----
        NxDomain("kiada.pod.cluster.local. A"),
        NoData("kiada.pod.cluster.local. A", "Pods=Insecure"),
        NxDomain("nope.pod.cluster.local. A", "Pods=Insecure"),
        Ok("10-244-1-4.kiada.pod.cluster.local. A", ["10-244-1-4.kiada.pod.cluster.local. 5 IN A 10.244.1.4"], Setup: "Pods=Insecure"), // #50
        Ok("1-2-3-4.kiada.pod.cluster.local. A", ["1-2-3-4.kiada.pod.cluster.local. 5 IN A 1.2.3.4"], Setup: "Pods=Insecure"), // #51
        NxDomain("1-2-3-4.kiada.pod.cluster.local. A", "Pods=Verified"), // #51
        Ok("fd00-10-244-1--7.kiada.pod.cluster.local. AAAA", ["fd00-10-244-1--7.kiada.pod.cluster.local. 5 IN AAAA fd00:10:244:1::7"], Setup: "Pods=Verified"), // #52
        Ok("FD00-0010-0244-0001-0000-0000-0000-0007.kiada.pod.cluster.local. AAAA", // compared as addresses (§16 i)
            ["FD00-0010-0244-0001-0000-0000-0000-0007.kiada.pod.cluster.local. 5 IN AAAA fd00:10:244:1::7"], Setup: "Pods=Verified"),
        Ok("10-244-1-7.kiada.pod.cluster.local. A", ["10-244-1-7.kiada.pod.cluster.local. 5 IN A 10.244.1.7"], Setup: "Pods=Verified"), // kiada-001's other IP
        NxDomain("10-244-1-4.nope.pod.cluster.local. A", "Pods=Insecure"), // #53
        NoData("10-244-1-4.kiada.pod.cluster.local. AAAA", "Pods=Insecure"),
        NoData("10-244-1-4.kiada.pod.cluster.local. SRV", "Pods=Insecure"), // §16 g
        NoData("10-244-1-4.kiada.pod.cluster.local. TXT", "Pods=Verified"),
        NxDomain("x.10-244-1-4.kiada.pod.cluster.local. A", "Pods=Insecure"), // §16 d
        NxDomain("10-244-1-4-5.kiada.pod.cluster.local. A", "Pods=Insecure"),
        NxDomain("010-244-1-4.kiada.pod.cluster.local. A", "Pods=Insecure"),
        NxDomain("10-244-2-30.kiada.pod.cluster.local. A", "Pods=Verified"), // cache-0 lives in infra
        Ok("0--1.app.pod.cluster.local. AAAA", ["0--1.app.pod.cluster.local. 5 IN AAAA ::1"], Setup: "Pods=Insecure"),
        NoData("pod.cluster.local. A", "Pods=Verified"),

        // ---- §10 wildcards ----
        NxDomain("any.kiada.svc.cluster.local. SRV"), // off by default: "any" is an ordinary label
        Ok("any.kiada.svc.cluster.local. SRV", // #54 and the seed's nslookup -query=SRV any.kiada.svc.cluster.local
        [
            "any.kiada.svc.cluster.local. 5 IN SRV 0 12 80 dual.kiada.svc.cluster.local.",
            "any.kiada.svc.cluster.local. 5 IN SRV 0 12 80 kiada.kiada.svc.cluster.local.",
            "any.kiada.svc.cluster.local. 5 IN SRV 0 12 443 kiada.kiada.svc.cluster.local.",
            "any.kiada.svc.cluster.local. 5 IN SRV 0 12 80 quote.kiada.svc.cluster.local.",
            "any.kiada.svc.cluster.local. 5 IN SRV 0 12 80 10-244-2-10.quote-headless.kiada.svc.cluster.local.",
            "any.kiada.svc.cluster.local. 5 IN SRV 0 12 80 10-244-2-8.quote-headless.kiada.svc.cluster.local.",
            "any.kiada.svc.cluster.local. 5 IN SRV 0 12 80 10-244-1-10.quote-headless.kiada.svc.cluster.local.",
            "any.kiada.svc.cluster.local. 5 IN SRV 0 12 80 10-244-2-9.quote-headless.kiada.svc.cluster.local.",
        ],
        [
            "dual.kiada.svc.cluster.local. 5 IN A 10.96.5.5",
            "dual.kiada.svc.cluster.local. 5 IN AAAA fd00:10:96::5",
            "kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108",
            "quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97",
            "10-244-2-10.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.10",
            "10-244-2-8.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.8",
            "10-244-1-10.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.1.10",
            "10-244-2-9.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.9",
        ], Setup: "Wildcards"),
        Ok("quote.any.svc.cluster.local. A", ["quote.any.svc.cluster.local. 5 IN A 10.96.161.97"], Setup: "Wildcards"), // #56
        NoData("any.app.svc.cluster.local. A", "Wildcards"), // #57
        Ok("*.quote-headless.kiada.svc.cluster.local. A", // #58
        [
            "*.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.10",
            "*.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.8",
            "*.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.1.10",
            "*.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.9",
        ], Setup: "Wildcards"),
        Ok("*.quote.kiada.svc.cluster.local. A", // endpoints of a ClusterIP service too
        [
            "*.quote.kiada.svc.cluster.local. 5 IN A 10.244.2.10",
            "*.quote.kiada.svc.cluster.local. 5 IN A 10.244.2.8",
            "*.quote.kiada.svc.cluster.local. 5 IN A 10.244.1.10",
            "*.quote.kiada.svc.cluster.local. 5 IN A 10.244.2.9",
        ], Setup: "Wildcards"),
        Ok("ANY.KIADA.svc.cluster.local. A",
        [
            "ANY.KIADA.svc.cluster.local. 5 IN A 10.96.5.5",
            "ANY.KIADA.svc.cluster.local. 5 IN A 10.96.7.108",
            "ANY.KIADA.svc.cluster.local. 5 IN A 10.96.161.97",
            "ANY.KIADA.svc.cluster.local. 5 IN A 10.244.2.10",
            "ANY.KIADA.svc.cluster.local. 5 IN A 10.244.2.8",
            "ANY.KIADA.svc.cluster.local. 5 IN A 10.244.1.10",
            "ANY.KIADA.svc.cluster.local. 5 IN A 10.244.2.9",
        ], Setup: "Wildcards"),
        Ok("_http._tcp.any.kiada.svc.cluster.local. SRV",
        [
            "_http._tcp.any.kiada.svc.cluster.local. 5 IN SRV 0 14 80 dual.kiada.svc.cluster.local.",
            "_http._tcp.any.kiada.svc.cluster.local. 5 IN SRV 0 14 80 kiada.kiada.svc.cluster.local.",
            "_http._tcp.any.kiada.svc.cluster.local. 5 IN SRV 0 14 80 quote.kiada.svc.cluster.local.",
            "_http._tcp.any.kiada.svc.cluster.local. 5 IN SRV 0 14 80 10-244-2-10.quote-headless.kiada.svc.cluster.local.",
            "_http._tcp.any.kiada.svc.cluster.local. 5 IN SRV 0 14 80 10-244-2-8.quote-headless.kiada.svc.cluster.local.",
            "_http._tcp.any.kiada.svc.cluster.local. 5 IN SRV 0 14 80 10-244-1-10.quote-headless.kiada.svc.cluster.local.",
            "_http._tcp.any.kiada.svc.cluster.local. 5 IN SRV 0 14 80 10-244-2-9.quote-headless.kiada.svc.cluster.local.",
        ],
        [
            "dual.kiada.svc.cluster.local. 5 IN A 10.96.5.5",
            "dual.kiada.svc.cluster.local. 5 IN AAAA fd00:10:96::5",
            "kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108",
            "quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97",
            "10-244-2-10.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.10",
            "10-244-2-8.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.8",
            "10-244-1-10.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.1.10",
            "10-244-2-9.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.9",
        ], Setup: "Wildcards"),
        Ok("any.any.kube-dns.kube-system.svc.cluster.local. SRV", // the four-label shape takes wildcards without '_'
            ["any.any.kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 50 53 kube-dns.kube-system.svc.cluster.local.", "any.any.kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 50 9153 kube-dns.kube-system.svc.cluster.local."],
            ["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"], Setup: "Wildcards"),
        Ok("_dns._any.kube-dns.kube-system.svc.cluster.local. SRV",
            ["_dns._any.kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 100 53 kube-dns.kube-system.svc.cluster.local."],
            ["kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10"], Setup: "Wildcards"),
        NxDomain("_ftp._any.kube-dns.kube-system.svc.cluster.local. SRV", "Wildcards"),
        NoData("_http._tcp.any.kiada.svc.cluster.local. A", "Wildcards"),
        NoData("_tcp.any.kiada.svc.cluster.local. A", "Wildcards"),
        NxDomain("_udp.any.kiada.svc.cluster.local. A", "Wildcards"),
        NoData("any.svc.cluster.local. A", "Wildcards"),
        NxDomain("any.nope.svc.cluster.local. A", "Wildcards"),
        NxDomain("nope.any.svc.cluster.local. A", "Wildcards"),
        NxDomain("time-api.any.svc.cluster.local. A", "Wildcards"), // ExternalName never matches a wildcard
        NxDomain("x.any.kiada.svc.cluster.local. A", "Wildcards"),
        Ok("db-0.any.data.svc.cluster.local. A", ["db-0.any.data.svc.cluster.local. 5 IN A 10.244.3.5"], Setup: "Wildcards"),
        Ok("quote.kiada.svc.cluster.local. A", ["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Setup: "Wildcards"),
        NxDomain("any.kiada.pod.cluster.local. A", "Wildcards"), // no wildcards under pod.Z

        // ---- options ----
        NxDomain("10-244-2-9.quote-headless.kiada.svc.cluster.local. A", "EndpointPodNames"), // #6
        Ok("quote-canary.quote-headless.kiada.svc.cluster.local. A", ["quote-canary.quote-headless.kiada.svc.cluster.local. 5 IN A 10.244.2.9"], Setup: "EndpointPodNames"), // #6
        Ok("db-0.db-headless.data.svc.cluster.local. A", ["db-0.db-headless.data.svc.cluster.local. 5 IN A 10.244.3.5"], Setup: "EndpointPodNames"),
        NxDomain("web-svc.default.svc.cluster.local. A", "IgnoreEmptyServices"), // #23
        NxDomain("_80-80._tcp.web-svc.default.svc.cluster.local. SRV", "IgnoreEmptyServices"),
        NoData("default.svc.cluster.local. A", "IgnoreEmptyServices"),
        Ok("quote.kiada.svc.cluster.local. A", ["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Setup: "IgnoreEmptyServices"),
        Ok("external-api.default.svc.cluster.local. A", ["external-api.default.svc.cluster.local. 5 IN CNAME api.example.com."], Setup: "IgnoreEmptyServices"),
        new ConformanceCase("nope.kiada.svc.cluster.local. A", "SERVFAIL", [], Setup: "NotSynced"), // #59
        Ok("quote.kiada.svc.cluster.local. A", ["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Setup: "NotSynced"), // #59
        NoData("quote.kiada.svc.cluster.local. AAAA", "NotSynced"),
        Ok("quote.kiada.svc.cluster.local. A", ["quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97"], Setup: "Namespaces=kiada"),
        NxDomain("cache.infra.svc.cluster.local. A", "Namespaces=kiada"),
        NxDomain("infra.svc.cluster.local. A", "Namespaces=kiada"),
        NoData("kiada.svc.cluster.local. A", "Namespaces=kiada"),
        Ok("ns.dns.cluster.local. A", ["ns.dns.cluster.local. 5 IN A 10.96.0.10"], Setup: "Namespaces=kiada"),
        Ok("quote.kiada.svc.cluster.local. A", ["quote.kiada.svc.cluster.local. 30 IN A 10.96.161.97"], Setup: "Ttl=30"),
        Ok("dns-version.cluster.local. TXT", ["dns-version.cluster.local. 28800 IN TXT \"1.1.0\""], Setup: "Ttl=30"),
        new ConformanceCase("nope.kiada.svc.cluster.local. A", "NXDOMAIN", [],
            Authority: ["cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 30"], Setup: "Ttl=30"),
        new ConformanceCase("cluster.local. SOA", "NOERROR",
            ["cluster.local. 300 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 600"], Setup: "Ttl=600"),
        Ok("quote.kiada.svc.corp.example. A", ["quote.kiada.svc.corp.example. 5 IN A 10.96.161.97"], Setup: "Zones=cluster.local,corp.example"),
        Ok("_http._tcp.kiada.kiada.svc.corp.example. SRV",
            ["_http._tcp.kiada.kiada.svc.corp.example. 5 IN SRV 0 100 80 kiada.kiada.svc.corp.example."],
            ["kiada.kiada.svc.corp.example. 5 IN A 10.96.7.108"], Setup: "Zones=cluster.local,corp.example"),
        new ConformanceCase("nope.svc.corp.example. A", "NXDOMAIN", [],
            Authority: ["corp.example. 5 IN SOA ns.dns.corp.example. hostmaster.corp.example. <serial> 7200 1800 86400 5"], Setup: "Zones=cluster.local,corp.example"),
        Ok("quote.kiada.svc.east.cluster.local. A", ["quote.kiada.svc.east.cluster.local. 5 IN A 10.96.161.97"], Setup: "Zones=cluster.local,east.cluster.local"),
        new ConformanceCase("east.cluster.local. SOA", "NOERROR",
            ["east.cluster.local. 5 IN SOA ns.dns.east.cluster.local. hostmaster.east.cluster.local. <serial> 7200 1800 86400 5"], Setup: "Zones=cluster.local,east.cluster.local"),
        Ok("ns.dns.cluster.local. A", ["ns.dns.cluster.local. 5 IN A 10.0.0.53"], Setup: "NameServerAddresses"),
        Ok("ns.dns.cluster.local. AAAA", ["ns.dns.cluster.local. 5 IN AAAA fd00::53"], Setup: "NameServerAddresses"),
        Ok("cluster.local. NS", ["cluster.local. 5 IN NS ns.dns.cluster.local."],
            ["ns.dns.cluster.local. 5 IN A 10.0.0.53", "ns.dns.cluster.local. 5 IN AAAA fd00::53"], Setup: "NameServerAddresses"),
    ];

    private static ConformanceCase Ok(string question, string[] answer, string[]? additional = null, string[]? Authority = null, string Setup = "") =>
        new(question, "NOERROR", answer, additional, Authority, Setup);

    private static ConformanceCase NoData(string question, string setup = "") => new(question, "NOERROR", [], Setup: setup);

    private static ConformanceCase NxDomain(string question, string setup = "") => new(question, "NXDOMAIN", [], Setup: setup);

    private static string ReverseSoa(string zone) => $"{zone} 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 5";

    private static ConformanceCase RevNoData(string question, string zone = "in-addr.arpa.") =>
        new(question, "NOERROR", [], Authority: [ReverseSoa(zone)]);

    private static ConformanceCase RevNxDomain(string question, string zone = "in-addr.arpa.", string Setup = "") =>
        new(question, "NXDOMAIN", [], Authority: [ReverseSoa(zone)], Setup: Setup);
}
