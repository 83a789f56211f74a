using System.Collections.Immutable;
using static KubeDns.Records.Tests.Validation.ValidationAssert;

namespace KubeDns.Records.Tests.Validation;

/// <summary>
/// One test per validation rule of specification.md §2 (and DescriptorValidator). Every rejected batch is applied to the
/// synced example cluster of §14.1 and must leave it untouched (<see cref="ValidationAssert.Rejects(ClusterChangeBatch)"/>).
/// </summary>
public class DescriptorValidationTests
{
    private const string QuoteService = "Service kiada/quote";
    private const string QuoteSliceObject = "EndpointSlice kiada/quote-5xq7d";
    private const string QuotePodObject = "Pod kiada/quote-001";

    // ---------------------------------------------------------------- Namespace

    [Theory]
    [InlineData("Kiada")]
    [InlineData("-kiada")]
    [InlineData("kiada-")]
    [InlineData("ki_ada")]
    [InlineData("ki.ada")]
    [InlineData("")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 64
    public void Apply_NamespaceNameInvalid_NamesFieldAndValue(string name)
    {
        var errors = Rejects(new NamespaceDescriptor { Name = name });

        var error = SingleError(errors, $"Namespace {name}", "metadata.name", $"'{name}'");
        Assert.Contains("RFC 1123 label", error);
    }

    [Fact]
    public void Apply_NamespaceName63Characters_IsAccepted()
    {
        var name = new string('n', 63);

        var state = Accepts(new NamespaceDescriptor { Name = name });

        Assert.Equal(ResolutionKind.NoData, state.Resolve($"{name}.svc.cluster.local", RecordType.A).Kind);
    }

    [Theory]
    [InlineData("Kiada")]
    [InlineData("kiada_")]
    [InlineData("")]
    public void Apply_ServiceNamespaceInvalid_NamesFieldAndValue(string ns)
    {
        var errors = Rejects(Quote with { Namespace = ns });

        SingleError(errors, $"Service {ns}/quote", "metadata.namespace", $"'{ns}'");
    }

    [Fact]
    public void Apply_SliceAndPodNamespaceInvalid_NamesFieldAndValue()
    {
        var errors = Rejects(QuoteSlice with { Namespace = "Kiada" }, QuotePod with { Namespace = "Kiada" });

        Assert.Equal(2, errors.Count);
        AssertError(errors[0], "EndpointSlice Kiada/quote-5xq7d", "metadata.namespace", "'Kiada'");
        AssertError(errors[1], "Pod Kiada/quote-001", "metadata.namespace", "'Kiada'");
    }

    // ---------------------------------------------------------------- Service name (RFC 1123 label)

    public static TheoryData<string> InvalidServiceNames => new()
    {
        "Quote",              // upper case
        "quote-",             // ends with '-'
        "-quote",             // starts with '-'
        "quo_te",             // underscore
        "quote.v2",           // a dot: not a label
        "",                   // empty
        new string('q', 64),  // too long
    };

    [Theory]
    [MemberData(nameof(InvalidServiceNames))]
    public void Apply_ServiceNameInvalid_NamesFieldAndValue(string name)
    {
        var errors = Rejects(Quote with { Name = name, ClusterIPs = ["10.96.9.9"] });

        var error = SingleError(errors, $"Service kiada/{name}", "metadata.name", $"'{name}'");
        Assert.Contains("RFC 1123 label", error);
    }

    /// <summary>
    /// Kubernetes accepts digit-first Service names under RelaxedServiceNameValidation, and its e2e DNS test ("a
    /// service name that starts with a digit") resolves them: an RFC 1123 label is a DNS label.
    /// </summary>
    [Fact]
    public void Apply_ServiceNameStartsWithDigit_IsAcceptedAndResolves()
    {
        var slice = QuoteSlice with { Name = "1kubernetes-abcde", ServiceName = "1kubernetes" };

        var state = Accepts(Quote with { Name = "1kubernetes", ClusterIPs = ["10.96.9.9"] }, slice);

        Assert.Equal("1kubernetes.kiada.svc.cluster.local. 5 IN A 10.96.9.9\n", state.Resolve("1kubernetes.kiada.svc.cluster.local", RecordType.A).Answer.ToString());
    }

    [Fact]
    public void Apply_ServiceName63Characters_IsAccepted()
    {
        var name = new string('q', 63);

        var state = Accepts(Quote with { Name = name, ClusterIPs = ["10.96.9.9"] });

        var resolution = state.Resolve($"{name}.kiada.svc.cluster.local", RecordType.A);
        Assert.Equal($"{name}.kiada.svc.cluster.local. 5 IN A 10.96.9.9\n", resolution.Answer.ToString());
    }

    [Fact]
    public void Apply_ServiceTypeUndefined_NamesFieldAndValue()
    {
        var errors = Rejects(Quote with { Type = (ServiceType)7 });

        SingleError(errors, QuoteService, "spec.type", "7");
    }

    // ---------------------------------------------------------------- clusterIPs

    [Theory]
    [InlineData(ServiceType.ClusterIP)]
    [InlineData(ServiceType.NodePort)]
    [InlineData(ServiceType.LoadBalancer)]
    public void Apply_ClusterIPsMissing_NamesFieldAndType(ServiceType type)
    {
        var errors = Rejects(Quote with { Type = type, ClusterIPs = [] });

        SingleError(errors, QuoteService, "spec.clusterIPs", $"is required for a {type} service");
    }

    [Theory]
    [InlineData("10.96.0.300")]      // octet out of range
    [InlineData("010.1.1.1")]        // leading zero
    [InlineData("10.96.161.097")]    // leading zero in the last octet
    [InlineData("10.96.161")]        // three parts
    [InlineData("10.96.161.97.1")]   // five parts
    [InlineData(" 10.96.161.97")]    // white space
    [InlineData("fd00::1%eth0")]     // zone index
    [InlineData("fd00::1/64")]       // a prefix, not an address
    [InlineData("fd00:::1")]
    [InlineData("none")]             // "None" is case-sensitive
    [InlineData("quote")]
    [InlineData("")]
    public void Apply_ClusterIPInvalid_NamesFieldAndValue(string ip)
    {
        var errors = Rejects(Quote with { ClusterIPs = [ip] });

        var error = SingleError(errors, QuoteService, "spec.clusterIPs[0]", $"'{ip}'");
        Assert.Contains("is not a valid IP address", error);
    }

    [Fact]
    public void Apply_SecondClusterIPInvalid_NamesItsIndex()
    {
        var errors = Rejects(Quote with { ClusterIPs = ["10.96.161.97", "fd00::zz"] });

        SingleError(errors, QuoteService, "spec.clusterIPs[1]", "'fd00::zz'");
    }

    [Theory]
    [InlineData("10.96.161.97", "10.96.161.98", "IPv4")]
    [InlineData("fd00::1", "fd00::2", "IPv6")]
    [InlineData("fd00::1", "FD00:0:0:0:0:0:0:1", "IPv6")]
    public void Apply_ClusterIPsTwoOfOneFamily_NamesSecondEntry(string first, string second, string family)
    {
        var errors = Rejects(Quote with { ClusterIPs = [first, second] });

        var error = SingleError(errors, QuoteService, "spec.clusterIPs[1]", $"'{second}'");
        Assert.Contains($"second {family} address", error);
    }

    [Fact]
    public void Apply_ClusterIPsThreeEntries_NamesFieldAndCount()
    {
        var errors = Rejects(Quote with { ClusterIPs = ["10.96.161.97", "fd00::1", "10.96.161.98"] });

        SingleError(errors, QuoteService, "spec.clusterIPs", "has 3 entries");
    }

    [Theory]
    [InlineData("None", "10.96.161.97")]
    [InlineData("10.96.161.97", "None")]
    [InlineData("None", "None")]
    public void Apply_ClusterIPsNoneMixedWithAnotherEntry_NamesField(string first, string second)
    {
        var errors = Rejects(Quote with { ClusterIPs = [first, second] });

        SingleError(errors, QuoteService, "spec.clusterIPs", "\"None\" must be the only entry");
    }

    [Theory]
    [InlineData(ServiceType.LoadBalancer)]
    [InlineData(ServiceType.NodePort)]
    public void Apply_HeadlessServiceOfOtherType_NamesFieldAndType(ServiceType type)
    {
        var errors = Rejects(Quote with { Type = type, ClusterIPs = [KubernetesServiceDescriptor.None] });

        var error = SingleError(errors, QuoteService, "spec.clusterIPs", "\"None\"");
        Assert.EndsWith($"not {type}", error);
    }

    [Fact]
    public void Apply_ExternalNameServiceWithClusterIPs_NamesFieldAndValue()
    {
        var errors = Rejects(ExampleCluster.ExternalName("kiada", "time-api", "worldtimeapi.org") with { ClusterIPs = ["10.96.3.3"] });

        SingleError(errors, "Service kiada/time-api", "spec.clusterIPs", "[10.96.3.3]");
    }

    [Theory]
    [InlineData("10.96.161.98")]
    [InlineData("fd00:10:96::61")]
    [InlineData("fd00:10:96::61", "10.96.161.98")]   // IPv6 first is allowed
    [InlineData("10.96.161.98", "fd00:10:96::61")]
    [InlineData("0.0.0.0")]
    [InlineData("FD00:10:96:0:0:0:0:61")]             // any RFC 4291 form
    [InlineData("::ffff:10.96.161.98")]
    public void Apply_ValidClusterIPs_AreAccepted(params string[] ips)
    {
        var state = Accepts(Quote with { Name = "fresh", ClusterIPs = [.. ips] });

        Assert.NotNull(state.Current.FindService("kiada", "fresh"));
        Assert.Equal(ResolutionKind.Answer, state.Resolve("fresh.kiada.svc.cluster.local", ips[0].Contains(':') ? RecordType.AAAA : RecordType.A).Kind);
    }

    [Theory]
    [InlineData("[fd00::1]")]
    [InlineData("[fd00::1]:53")]
    public void Apply_ClusterIPBracketedIPv6_IsRejected(string ip)
    {
        var errors = Rejects(Quote with { ClusterIPs = [ip] });

        SingleError(errors, QuoteService, "spec.clusterIPs[0]", $"'{ip}'");
    }

    [Fact]
    public void Apply_EndpointAddressAndPodIPBracketedIPv6_AreRejected()
    {
        var errors = Rejects(
            QuoteSlice with
            {
                AddressType = EndpointAddressType.IPv6,
                Endpoints = [ExampleCluster.Endpoint("fd00:10:244:2::a", "quote-001") with { Addresses = ["[fd00:10:244:2::a]:80"] }],
            },
            QuotePod with { IPs = ["[fd00:10:244:2::a]"] });

        Assert.Equal(2, errors.Count);
        AssertError(errors[0], QuoteSliceObject, "endpoints[0].addresses[0]", "'[fd00:10:244:2::a]:80'");
        AssertError(errors[1], QuotePodObject, "status.podIPs[0]", "'[fd00:10:244:2::a]'");
    }

    // ---------------------------------------------------------------- ports

    [Fact]
    public void Apply_ServicePortOutOfRange_NamesFieldAndValue()
    {
        var errors = Rejects(Quote with { Ports = [ExampleCluster.Port("http", 80), ExampleCluster.Port("metrics", 70000)] });

        var error = Assert.Single(errors);
        Assert.Equal("Service kiada/quote: spec.ports[1].port: 70000 is not in 1..65535", error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    [InlineData(70000)]
    public void Apply_ServicePortNotInRange_NamesFieldAndValue(int port)
    {
        var errors = Rejects(Quote with { Ports = [ExampleCluster.Port("http", port)] });

        SingleError(errors, QuoteService, "spec.ports[0].port", $"{port} is not in 1..65535");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(65535)]
    public void Apply_ServicePortAtRangeBoundary_IsAccepted(int port)
    {
        var state = Accepts(Quote with { Ports = [ExampleCluster.Port("http", port)] });

        Assert.Equal(port, state.Current.FindService("kiada", "quote")!.Ports[0].Port);
        AssertQuoteUnchanged(state);
    }

    [Fact]
    public void Apply_ServicePortNamesDuplicate_NamesFieldAndValue()
    {
        var errors = Rejects(Quote with { Ports = [ExampleCluster.Port("http", 80), ExampleCluster.Port("http", 8080)] });

        var error = SingleError(errors, QuoteService, "spec.ports[1].name", "'http'");
        Assert.Contains("duplicate", error);
    }

    [Theory]
    [InlineData(ServiceProtocol.Tcp, "80/TCP")]
    [InlineData(ServiceProtocol.Udp, "80/UDP")]
    [InlineData(ServiceProtocol.Sctp, "80/SCTP")]
    public void Apply_ServicePortAndProtocolDuplicate_NamesFieldAndValue(ServiceProtocol protocol, string value)
    {
        var errors = Rejects(Quote with { Ports = [ExampleCluster.Port("http", 80, protocol), ExampleCluster.Port("web", 80, protocol)] });

        var error = SingleError(errors, QuoteService, "spec.ports[1].port", value);
        Assert.Contains("duplicates spec.ports[0]", error);
    }

    [Fact]
    public void Apply_ServiceSamePortDifferentProtocols_IsAccepted()
    {
        var state = Accepts(Quote with
        {
            Ports = [ExampleCluster.Port("dns", 53, ServiceProtocol.Udp), ExampleCluster.Port("dns-tcp", 53), ExampleCluster.Port("dns-sctp", 53, ServiceProtocol.Sctp)],
        });

        Assert.Equal(3, state.Current.FindService("kiada", "quote")!.Ports.Length);
    }

    [Fact]
    public void Apply_ServicePortNameMissingWithTwoPorts_NamesField()
    {
        var errors = Rejects(Quote with { Ports = [ExampleCluster.Port("http", 80), ExampleCluster.Port("", 443)] });

        SingleError(errors, QuoteService, "spec.ports[1].name", "is required when the service has more than one port");
    }

    [Fact]
    public void Apply_ServicePortNamesMissingOnBothPorts_ReportsEach()
    {
        var errors = Rejects(Quote with { Ports = [ExampleCluster.Port("", 80), ExampleCluster.Port("", 443)] });

        Assert.Equal(2, errors.Count);
        AssertError(errors[0], QuoteService, "spec.ports[0].name", "is required");
        AssertError(errors[1], QuoteService, "spec.ports[1].name", "is required");
    }

    [Fact]
    public void Apply_SingleUnnamedServicePort_IsAccepted()
    {
        var state = Accepts(Quote with { Ports = [ExampleCluster.Port("", 80)] });

        AssertQuoteUnchanged(state);
        Assert.Equal(ResolutionKind.NameError, state.Resolve("_http._tcp.quote.kiada.svc.cluster.local", RecordType.SRV).Kind);
    }

    [Theory]
    [InlineData("HTTP")]
    [InlineData("http_alt")]
    [InlineData("-http")]
    [InlineData("http-")]
    [InlineData("http.alt")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 64
    public void Apply_ServicePortNameInvalid_NamesFieldAndValue(string name)
    {
        var errors = Rejects(Quote with { Ports = [ExampleCluster.Port(name, 80)] });

        var error = SingleError(errors, QuoteService, "spec.ports[0].name", $"'{name}'");
        Assert.Contains("RFC 1123 label", error);
    }

    [Fact]
    public void Apply_ServicePortProtocolUndefined_NamesFieldAndValue()
    {
        var errors = Rejects(Quote with { Ports = [ExampleCluster.Port("http", 80, (ServiceProtocol)99)] });

        SingleError(errors, QuoteService, "spec.ports[0].protocol", "99 is not TCP, UDP or SCTP");
    }

    [Fact]
    public void Apply_ServicePortNull_NamesField()
    {
        var errors = Rejects(Quote with { Ports = [ExampleCluster.Port("http", 80), null!] });

        SingleError(errors, QuoteService, "spec.ports[1]", "is null");
    }

    // ---------------------------------------------------------------- externalName

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Apply_ExternalNameMissing_NamesField(string? target)
    {
        var errors = Rejects(ExampleCluster.ExternalName("kiada", "time-api", "worldtimeapi.org") with { ExternalName = target });

        SingleError(errors, "Service kiada/time-api", "spec.externalName", "is required for an ExternalName service");
    }

    [Theory]
    [InlineData("bad_name!")]
    [InlineData("API.example.com")]     // Kubernetes requires lower case
    [InlineData("-api.example.com")]
    [InlineData("api..example.com")]
    [InlineData(".api.example.com")]
    [InlineData("api.example.com..")]
    [InlineData("1.2.3.4:80")]
    [InlineData("fd00::1.")]
    public void Apply_ExternalNameInvalid_NamesFieldAndValue(string target)
    {
        var errors = Rejects(ExampleCluster.ExternalName("kiada", "time-api", target));

        var error = SingleError(errors, "Service kiada/time-api", "spec.externalName", $"'{target}'");
        Assert.Contains("RFC 1123 subdomain", error);
    }

    [Fact]
    public void Apply_ExternalNameLongerThan253_NamesFieldAndValue()
    {
        var target = $"{Label('a')}.{Label('b')}.{Label('c')}.{new string('d', 62)}"; // 254 characters
        Assert.Equal(254, target.Length);

        var errors = Rejects(ExampleCluster.ExternalName("kiada", "time-api", target));

        SingleError(errors, "Service kiada/time-api", "spec.externalName", $"'{target}'");
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    public void Apply_ExternalName253CharactersWithOrWithoutDot_IsAccepted(string suffix)
    {
        var target = $"{Label('a')}.{Label('b')}.{Label('c')}.{new string('d', 61)}{suffix}";

        var state = Accepts(ExampleCluster.ExternalName("kiada", "long-alias", target));

        var resolution = state.Resolve("long-alias.kiada.svc.cluster.local", RecordType.CNAME);
        Assert.Equal($"long-alias.kiada.svc.cluster.local. 5 IN CNAME {target.TrimEnd('.')}.\n", resolution.Answer.ToString());
    }

    [Fact]
    public void Apply_ExternalNameOnClusterIPService_NamesFieldAndValue()
    {
        var errors = Rejects(Quote with { ExternalName = "api.example.com" });

        var error = SingleError(errors, QuoteService, "spec.externalName", "'api.example.com'");
        Assert.Contains("only be set when spec.type is ExternalName", error);
    }

    [Theory]
    [InlineData("1.2.3.4")]
    [InlineData("1.2.3.4.")]
    [InlineData("fd00::1")]
    public void Apply_ExternalNameIPLiteral_IsAcceptedAndAnswersNxdomain(string target)
    {
        var state = Accepts(ExampleCluster.ExternalName("kiada", "literal", target));

        Assert.Equal(target, state.Current.FindService("kiada", "literal")!.ExternalName);
        foreach (var type in new[] { RecordType.A, RecordType.AAAA, RecordType.CNAME })
        {
            var resolution = state.Resolve("literal.kiada.svc.cluster.local", type);
            Assert.Equal(ResponseCode.NameError, resolution.ResponseCode);
            Assert.Equal(0, resolution.Answer.Count);
        }
    }

    [Theory]
    [InlineData("[::1]")]
    [InlineData("[::1]:80")]
    [InlineData("fe80::1%eth0")]
    public void Apply_ExternalNameMalformedIPv6Literal_IsRejected(string target)
    {
        var errors = Rejects(ExampleCluster.ExternalName("kiada", "time-api", target));

        SingleError(errors, "Service kiada/time-api", "spec.externalName", $"'{target}'");
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("0x7f.0.0.1")]
    public void Apply_ExternalNameNumericHostName_AnswersCname(string target)
    {
        var state = Accepts(ExampleCluster.ExternalName("kiada", "numeric", target));

        var resolution = state.Resolve("numeric.kiada.svc.cluster.local", RecordType.CNAME);
        Assert.Equal(ResponseCode.NoError, resolution.ResponseCode);
        Assert.Equal($"numeric.kiada.svc.cluster.local. 5 IN CNAME {target}.\n", resolution.Answer.ToString());
    }

    // ---------------------------------------------------------------- EndpointSlice

    [Theory]
    [InlineData("Quote")]
    [InlineData("quote-")]
    [InlineData("quote.v2")]
    [InlineData("")]
    public void Apply_SliceServiceNameInvalid_NamesLabelAndValue(string service)
    {
        var errors = Rejects(QuoteSlice with { ServiceName = service });

        SingleError(errors, QuoteSliceObject, "metadata.labels[kubernetes.io/service-name]", $"'{service}'");
    }

    [Theory]
    [InlineData(EndpointAddressType.IPv4, "fd00:10:244:1::7", "IPv4")]
    [InlineData(EndpointAddressType.IPv4, "::ffff:10.244.1.7", "IPv4")]
    [InlineData(EndpointAddressType.IPv6, "10.244.1.7", "IPv6")]
    public void Apply_SliceAddressNotOfAddressType_NamesFieldAndValue(EndpointAddressType type, string address, string family)
    {
        var errors = Rejects(QuoteSlice with
        {
            AddressType = type,
            Endpoints = [ExampleCluster.Endpoint("fd00:10:244:2::b", "quote-002") with { Addresses = [address] }],
        });

        var error = SingleError(errors, QuoteSliceObject, "endpoints[0].addresses[0]", $"'{address}'");
        Assert.Contains($"not an {family} address", error);
    }

    [Theory]
    [InlineData("10.244.2.300")]
    [InlineData("10.244.02.10")]
    [InlineData("quote-001")]
    [InlineData("")]
    public void Apply_SliceAddressInvalid_NamesFieldAndValue(string address)
    {
        var errors = Rejects(QuoteSlice with
        {
            Endpoints = [ExampleCluster.Endpoint("10.244.2.10", "quote-001"), ExampleCluster.Endpoint("10.244.2.8", "quote-002") with { Addresses = ["10.244.2.8", address] }],
        });

        var error = SingleError(errors, QuoteSliceObject, "endpoints[1].addresses[1]", $"'{address}'");
        Assert.Contains("is not a valid IP address", error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Apply_EndpointAddressCountOutOfRange_NamesFieldAndCount(int count)
    {
        var errors = Rejects(QuoteSlice with { Endpoints = [new EndpointDescriptor { Addresses = Addresses(count) }] });

        SingleError(errors, QuoteSliceObject, "endpoints[0].addresses", $"has {count} addresses; 1..100 are allowed");
    }

    [Fact]
    public void Apply_Endpoint100Addresses_IsAccepted()
    {
        var state = Accepts(QuoteSlice with { Endpoints = [new EndpointDescriptor { Addresses = Addresses(100) }] });

        Assert.Equal(100, state.Current.EndpointSlices.Single(s => s.Name == "quote-5xq7d").Endpoints[0].Addresses.Length);
    }

    [Fact]
    public void Apply_SliceWithMoreThan1000Endpoints_NamesFieldAndCount()
    {
        var errors = Rejects(QuoteSlice with { Endpoints = Endpoints(1001) });

        SingleError(errors, QuoteSliceObject, "endpoints", "has 1001 endpoints; at most 1000 are allowed");
    }

    [Fact]
    public void Apply_SliceWith1000Endpoints_IsAccepted()
    {
        var state = Accepts(QuoteSlice with { ServiceName = "quote-headless", Name = "quote-headless-m2v9k", Endpoints = Endpoints(1000) });

        Assert.Equal(1000, state.Resolve("quote-headless.kiada.svc.cluster.local", RecordType.A).Answer.Count);
    }

    [Theory]
    [InlineData("DB_0")]
    [InlineData("db-0.data")]
    [InlineData("db-")]
    [InlineData("")]
    public void Apply_EndpointHostnameInvalid_NamesFieldAndValue(string hostname)
    {
        var errors = Rejects(QuoteSlice with { Endpoints = [ExampleCluster.Endpoint("10.244.2.10", "quote-001") with { Hostname = hostname }] });

        var error = SingleError(errors, QuoteSliceObject, "endpoints[0].hostname", $"'{hostname}'");
        Assert.Contains("RFC 1123 label", error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Apply_SlicePortOutOfRange_NamesFieldAndValue(int port)
    {
        var errors = Rejects(QuoteSlice with { Ports = [ExampleCluster.SlicePort("http", 80), ExampleCluster.SlicePort("metrics", port)] });

        SingleError(errors, QuoteSliceObject, "ports[1].port", $"{port} is not in 1..65535");
    }

    [Fact]
    public void Apply_SlicePortAbsentMeaningAllPorts_IsAccepted()
    {
        var state = Accepts(QuoteSlice with { Ports = [new EndpointPortDescriptor { Name = "", Port = null }] });

        AssertQuoteUnchanged(state);
    }

    [Fact]
    public void Apply_SlicePortNameAndProtocolInvalid_NamesFieldsAndValues()
    {
        var errors = Rejects(QuoteSlice with { Ports = [ExampleCluster.SlicePort("HTTP", 80, (ServiceProtocol)99)] });

        Assert.Equal(2, errors.Count);
        AssertError(errors[0], QuoteSliceObject, "ports[0].name", "'HTTP'");
        AssertError(errors[1], QuoteSliceObject, "ports[0].protocol", "99");
    }

    [Theory]
    [InlineData("Quote-5xq7d")]
    [InlineData("quote_5xq7d")]
    [InlineData("quote-5xq7d-")]
    [InlineData("quote..5xq7d")]
    [InlineData("")]
    public void Apply_SliceNameInvalid_NamesFieldAndValue(string name)
    {
        var errors = Rejects(QuoteSlice with { Name = name });

        var error = SingleError(errors, $"EndpointSlice kiada/{name}", "metadata.name", $"'{name}'");
        Assert.Contains("RFC 1123 subdomain", error);
    }

    [Fact]
    public void Apply_SliceNameWithDots_IsAccepted()
    {
        var state = Accepts(QuoteSlice with { Name = "quote.v2.5xq7d" });

        Assert.Contains(state.Current.EndpointSlices, s => s.Name == "quote.v2.5xq7d");
    }

    [Fact]
    public void Apply_SliceAddressTypeUndefined_NamesFieldAndValue()
    {
        var errors = Rejects(QuoteSlice with { AddressType = (EndpointAddressType)5 });

        SingleError(errors, QuoteSliceObject, "addressType", "5 is not IPv4, IPv6 or FQDN");
    }

    [Theory]
    [InlineData("", "quote-001")]
    [InlineData("Pod", "")]
    public void Apply_EndpointTargetRefIncomplete_NamesField(string kind, string name)
    {
        var errors = Rejects(QuoteSlice with
        {
            Endpoints = [ExampleCluster.Endpoint("10.244.2.10", "quote-001") with { TargetRef = new ObjectReference { Kind = kind, Name = name } }],
        });

        SingleError(errors, QuoteSliceObject, "endpoints[0].targetRef", "kind and name are required");
    }

    [Fact]
    public void Apply_FqdnSlice_IsAcceptedAndIgnored()
    {
        var before = ExampleCluster.Create();
        var headlessBefore = before.Resolve("quote-headless.kiada.svc.cluster.local", RecordType.A).Answer.ToString();

        var state = Accepts(before, Batch(ExampleCluster.Slice("kiada", "quote-headless-fqdn", "quote-headless", [ExampleCluster.SlicePort("http", 80)],
            new EndpointDescriptor { Addresses = ["quote.example.com"], Hostname = "ext" }) with
        { AddressType = EndpointAddressType.Fqdn }));

        Assert.Contains(state.Current.EndpointSlices, s => s.Name == "quote-headless-fqdn");
        Assert.Equal(headlessBefore, state.Resolve("quote-headless.kiada.svc.cluster.local", RecordType.A).Answer.ToString());
        Assert.Equal(ResolutionKind.NameError, state.Resolve("ext.quote-headless.kiada.svc.cluster.local", RecordType.A).Kind);
    }

    [Fact]
    public void Apply_FqdnSliceAddressInvalid_NamesFieldAndValue()
    {
        var errors = Rejects(QuoteSlice with
        {
            AddressType = EndpointAddressType.Fqdn,
            Endpoints = [new EndpointDescriptor { Addresses = ["bad name!"] }],
        });

        SingleError(errors, QuoteSliceObject, "endpoints[0].addresses[0]", "'bad name!'");
    }

    [Fact]
    public void Apply_EndpointNull_NamesField()
    {
        var errors = Rejects(QuoteSlice with { Endpoints = [ExampleCluster.Endpoint("10.244.2.10", "quote-001"), null!] });

        SingleError(errors, QuoteSliceObject, "endpoints[1]", "is null");
    }

    // ---------------------------------------------------------------- Pod

    [Fact]
    public void Apply_PodNameLongerThan253_NamesFieldAndValue()
    {
        var name = $"{Label('a')}.{Label('b')}.{Label('c')}.{new string('d', 62)}"; // 254 characters, every label valid
        Assert.Equal(254, name.Length);

        var errors = Rejects(QuotePod with { Name = name });

        var error = SingleError(errors, $"Pod kiada/{name}", "metadata.name", $"'{name}'");
        Assert.Contains("at most 253 characters", error);
    }

    [Fact]
    public void Apply_PodName253Characters_IsAccepted()
    {
        var name = $"{Label('a')}.{Label('b')}.{Label('c')}.{new string('d', 61)}";

        var state = Accepts(QuotePod with { Name = name, IPs = ["10.244.9.9"] });

        Assert.Contains(state.Current.Pods, p => p.Name == name);
    }

    [Theory]
    [InlineData(64)]
    [InlineData(253)]
    public void Apply_PodNameLongSingleLabel_IsAccepted(int length)
    {
        var name = new string('p', length);

        var state = Accepts(QuotePod with { Name = name, IPs = ["10.244.9.9"] });

        Assert.Contains(state.Current.Pods, p => p.Name == name);
    }

    [Theory]
    [InlineData("quote_001")]
    [InlineData("Quote-001")]
    [InlineData("quote-001.")]
    [InlineData("")]
    public void Apply_PodNameInvalid_NamesFieldAndValue(string name)
    {
        var errors = Rejects(QuotePod with { Name = name });

        SingleError(errors, $"Pod kiada/{name}", "metadata.name", $"'{name}'");
    }

    [Theory]
    [InlineData("10.244.2.300")]
    [InlineData("10.244.2.010")]
    [InlineData("fd00::1%eth0")]
    [InlineData("quote-001")]
    public void Apply_PodIPInvalid_NamesFieldAndValue(string ip)
    {
        var errors = Rejects(QuotePod with { IPs = [ip] });

        var error = SingleError(errors, QuotePodObject, "status.podIPs[0]", $"'{ip}'");
        Assert.Contains("is not a valid IP address", error);
    }

    [Theory]
    [InlineData("10.244.2.10", "10.244.2.11", "IPv4")]
    [InlineData("fd00:10:244:2::a", "fd00:10:244:2::b", "IPv6")]
    public void Apply_PodTwoIPsOfOneFamily_NamesSecondEntry(string first, string second, string family)
    {
        var errors = Rejects(QuotePod with { IPs = [first, second] });

        var error = SingleError(errors, QuotePodObject, "status.podIPs[1]", $"'{second}'");
        Assert.Contains($"second {family} address", error);
    }

    [Fact]
    public void Apply_PodDualStackOrWithoutIPs_IsAccepted()
    {
        var state = Accepts(QuotePod with { IPs = ["fd00:10:244:2::a", "10.244.2.10"] }, QuotePod with { Name = "pending", IPs = [] });

        Assert.Equal(2, state.Current.Pods.Single(p => p.Name == "quote-001").IPs.Length);
        Assert.Contains(state.Current.Pods, p => p.Name == "pending");
    }

    // ---------------------------------------------------------------- batches

    [Fact]
    public void Apply_TwoUpsertsOfOneService_NamesKeyAndPositions()
    {
        var errors = Rejects(Quote, QuotePod, Quote with { ClusterIPs = ["10.96.161.98"] });

        var error = Assert.Single(errors);
        Assert.StartsWith($"{QuoteService}: appears twice in one batch", error);
        Assert.Contains("changes 0 and 2", error);
    }

    [Fact]
    public void Apply_UpsertAndDeleteOfOneKey_NamesKey()
    {
        var errors = Rejects(new ClusterChangeBatch().Upsert(Quote).Delete(ObjectKey.ForService("kiada", "quote")));

        var error = Assert.Single(errors);
        Assert.StartsWith($"{QuoteService}: appears twice in one batch (changes 0 and 1)", error);
    }

    [Fact]
    public void Apply_TwoDeletesOfOneKey_NamesKey()
    {
        var errors = Rejects(new ClusterChangeBatch()
            .Delete(ObjectKey.ForService("kiada", "quote"))
            .Delete(ObjectKey.ForService("kiada", "quote")));

        Assert.StartsWith($"{QuoteService}: appears twice", Assert.Single(errors));
    }

    [Fact]
    public void Apply_NamespaceUpsertAndDelete_NamesKey()
    {
        var errors = Rejects(new ClusterChangeBatch().Upsert(new NamespaceDescriptor { Name = "kiada" }).Delete(ObjectKey.ForNamespace("kiada")));

        Assert.StartsWith("Namespace kiada: appears twice", Assert.Single(errors));
    }

    [Fact]
    public void Apply_SameNameDifferentKinds_IsAccepted()
    {
        var state = Accepts(
            Quote,
            ExampleCluster.Slice("kiada", "quote", "quote", [ExampleCluster.SlicePort("http", 80)], ExampleCluster.Endpoint("10.244.2.10", "quote-001")),
            new PodDescriptor { Namespace = "kiada", Name = "quote", IPs = ["10.244.9.9"] },
            new NamespaceDescriptor { Name = "quote" });

        AssertQuoteUnchanged(state);
    }

    [Fact]
    public void Apply_DeleteOfUnknownKind_NamesKind()
    {
        var errors = Rejects(new ClusterChangeBatch().Delete(new ObjectKey((ObjectKind)42, "kiada", "quote")));

        Assert.Contains("kind 42 is not a known kind", Assert.Single(errors));
    }

    [Fact]
    public void Apply_SeveralErrorsInOneBatch_ReportsEveryOne()
    {
        var batch = new ClusterChangeBatch()
            .Upsert(new NamespaceDescriptor { Name = "Bad" })
            .Upsert(Quote with { ClusterIPs = ["10.96.0.300"], Ports = [ExampleCluster.Port("HTTP", 70000)] })
            .Upsert(QuoteSlice with { Endpoints = [ExampleCluster.Endpoint("fd00::1", "quote-001")] })
            .Upsert(QuotePod with { IPs = ["10.244.2.10", "10.244.2.11"] })
            .Upsert(ExampleCluster.ExternalName("kiada", "time-api", "bad_name!"))
            .Delete(ObjectKey.ForPod("kiada", "quote-001"));

        var errors = Rejects(batch);

        Assert.Equal(8, errors.Count);
        ContainsError(errors, "Namespace Bad", "metadata.name", "'Bad'");
        ContainsError(errors, QuoteService, "spec.clusterIPs[0]", "'10.96.0.300'");
        ContainsError(errors, QuoteService, "spec.ports[0].name", "'HTTP'");
        ContainsError(errors, QuoteService, "spec.ports[0].port", "70000");
        ContainsError(errors, QuoteSliceObject, "endpoints[0].addresses[0]", "'fd00::1'");
        ContainsError(errors, QuotePodObject, "status.podIPs[1]", "'10.244.2.11'");
        ContainsError(errors, "Service kiada/time-api", "spec.externalName", "'bad_name!'");
        Assert.Contains(errors, e => e.StartsWith($"{QuotePodObject}: appears twice in one batch (changes 3 and 5)", StringComparison.Ordinal));
    }

    [Fact]
    public void Apply_ValidChangesWithOneInvalid_AppliesNone()
    {
        var state = ExampleCluster.Create();
        var batch = new ClusterChangeBatch()
            .Upsert(ExampleCluster.Service("kiada", "fresh", "10.96.44.44", ExampleCluster.Port("http", 80)))
            .Upsert(new NamespaceDescriptor { Name = "brand-new" })
            .Upsert(Quote with { ClusterIPs = ["10.96.161.98"] })
            .Delete(ObjectKey.ForService("kiada", "time-api"))
            .Upsert(new PodDescriptor { Namespace = "kiada", Name = "broken", IPs = ["10.244.2.300"] });

        var errors = Rejects(state, batch);

        SingleError(errors, "Pod kiada/broken", "status.podIPs[0]", "'10.244.2.300'");
        Assert.Equal(ResponseCode.NameError, state.Resolve("fresh.kiada.svc.cluster.local", RecordType.A).ResponseCode);
        Assert.Equal(ResponseCode.NameError, state.Resolve("brand-new.svc.cluster.local", RecordType.A).ResponseCode);
        Assert.Null(state.Current.FindService("kiada", "fresh"));
        Assert.Equal(
            "time-api.kiada.svc.cluster.local. 5 IN CNAME worldtimeapi.org.\n",
            state.Resolve("time-api.kiada.svc.cluster.local", RecordType.CNAME).Answer.ToString());
    }

    [Fact]
    public void Apply_AfterRejectedBatch_ValidPartAloneSucceeds()
    {
        var state = ExampleCluster.Create();
        var fresh = ExampleCluster.Service("kiada", "fresh", "10.96.44.44", ExampleCluster.Port("http", 80));
        Rejects(state, Batch(fresh, Quote with { Ports = [ExampleCluster.Port("http", 0)] }));

        Accepts(state, Batch(fresh));

        Assert.Equal("fresh.kiada.svc.cluster.local. 5 IN A 10.96.44.44\n", state.Resolve("fresh.kiada.svc.cluster.local", RecordType.A).Answer.ToString());
        AssertQuoteUnchanged(state);
    }

    [Fact]
    public void Upsert_InvalidDescriptor_ThrowsAndChangesNothing()
    {
        var state = ExampleCluster.Create();
        var before = state.Current;

        var exception = Assert.Throws<ClusterValidationException>(() => state.Upsert(Quote with { ClusterIPs = ["10.96.0.300"] }));

        SingleError(exception.Errors, QuoteService, "spec.clusterIPs[0]", "'10.96.0.300'");
        Assert.Same(before, state.Current);
        AssertQuoteUnchanged(state);
    }

    [Fact]
    public void Apply_RejectedBatchOnUnsyncedState_KeepsSnapshot()
    {
        var state = ExampleCluster.Create(synced: false);

        var before = state.Current;
        Assert.Throws<ClusterValidationException>(() => state.Apply(Batch(Quote with { Name = "Quote" })));

        Assert.Same(before, state.Current);
        Assert.False(state.Current.IsSynced);
    }

    private static string Label(char c) => new(c, 63);

    private static ImmutableArray<string> Addresses(int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"10.250.{i / 256}.{i % 256}")];

    private static ImmutableArray<EndpointDescriptor> Endpoints(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new EndpointDescriptor { Addresses = [$"10.250.{i / 256}.{i % 256}"], Ready = true })];
}
