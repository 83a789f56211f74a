using KubeDns.Records.Settings;
using KubeDns.Records.Tests.Validation;

namespace KubeDns.Records.Tests.Settings;

/// <summary>
/// specification.md §3: invalid options are rejected when the options are built (<see cref="ClusterDnsOptions.Validate"/>
/// and the <see cref="ClusterState"/> constructor), with a message naming the option and the value.
/// </summary>
public class ClusterDnsOptionsTests
{
    [Fact]
    public void Validate_Defaults_AreAccepted()
    {
        var options = new ClusterDnsOptions();

        options.Validate();

        Assert.Equal(ClusterDnsOptions.DefaultTtl, options.Ttl);
        Assert.Equal(["cluster.local."], options.Zones);
    }

    // ---------------------------------------------------------------- Ttl

    [Theory]
    [InlineData(-1)]
    [InlineData(3601)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void Validate_TtlOutOfRange_NamesOptionAndValue(int ttl)
    {
        var errors = RejectsEverywhere(o => o.Ttl = ttl);

        Assert.Equal($"ClusterDnsOptions.Ttl: {ttl} is not in 0..3600", Assert.Single(errors));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3600)]
    public void Constructor_TtlAtRangeBoundary_IsAcceptedAndServed(int ttl)
    {
        var options = new ClusterDnsOptions { Ttl = ttl };
        options.Validate();

        var state = ExampleCluster.Create(o => o.Ttl = ttl);

        Assert.Equal(
            $"quote.kiada.svc.cluster.local. {ttl} IN A 10.96.161.97\n",
            state.Resolve(ValidationAssert.QuoteName, RecordType.A).Answer.ToString());
    }

    // ---------------------------------------------------------------- Zones

    public static TheoryData<string> InvalidZoneNames => new()
    {
        "bad zone",
        "cluster..local",
        ".cluster.local",
        "cluster.local..",
        "",
        ".",
        "cluster.local/12",
        "clüster.local",
        $"{new string('z', 64)}.local",
        string.Join('.', Enumerable.Repeat(new string('z', 63), 4)),   // 255 characters
    };

    [Theory]
    [MemberData(nameof(InvalidZoneNames))]
    public void Validate_ZoneNameInvalid_NamesOptionAndValue(string zone)
    {
        var errors = RejectsEverywhere(o => o.Zones.Add(zone));

        Assert.Equal($"ClusterDnsOptions.Zones: '{zone}' is not a valid zone name", Assert.Single(errors));
    }

    [Fact]
    public void Validate_ZoneNull_NamesOption()
    {
        var errors = RejectsEverywhere(o => o.Zones.Add(null!));

        Assert.StartsWith("ClusterDnsOptions.Zones: ", Assert.Single(errors));
    }

    [Fact]
    public void Validate_NoZones_NamesOption()
    {
        var errors = RejectsEverywhere(o => o.Zones.Clear());

        Assert.Equal("ClusterDnsOptions.Zones: at least one cluster zone is required", Assert.Single(errors));
    }

    [Theory]
    [InlineData("cluster.local.")]
    [InlineData("cluster.local")]    // differs only by the trailing dot
    [InlineData("Cluster.Local.")]   // differs only by case
    [InlineData("CLUSTER.LOCAL")]
    public void Validate_DuplicateZone_NamesOptionAndValue(string duplicate)
    {
        var errors = RejectsEverywhere(o => o.Zones.Add(duplicate));

        Assert.Equal($"ClusterDnsOptions.Zones: '{duplicate}' is listed twice", Assert.Single(errors));
    }

    [Theory]
    [InlineData("arpa")]
    [InlineData("in-addr.arpa")]
    [InlineData("10.in-addr.arpa.")]
    [InlineData("svc.ip6.arpa")]
    [InlineData("SVC.IP6.ARPA.")]
    public void Validate_ClusterZoneInOrAboveReverseZone_NamesOptionAndValue(string zone)
    {
        var errors = RejectsEverywhere(o => o.Zones.Add(zone));

        var error = Assert.Single(errors);
        Assert.StartsWith($"ClusterDnsOptions.Zones: '{zone}' ", error);
        Assert.Contains("reverse zone", error);
    }

    [Theory]
    [InlineData("home.arpa.")]
    [InlineData("cluster.arpa")]
    public void Validate_ClusterZoneUnderArpaButOutsideReverseZones_IsAccepted(string zone)
    {
        var options = new ClusterDnsOptions();
        options.Zones.Add(zone);

        options.Validate();
    }

    [Fact]
    public void Constructor_NestedAndSecondaryZones_AreAccepted()
    {
        var state = ExampleCluster.Create(o =>
        {
            o.Zones.Add("example.org");
            o.Zones.Add("arpa-cluster.local.");
        });

        Assert.Equal(
            "quote.kiada.svc.example.org. 5 IN A 10.96.161.97\n",
            state.Resolve("quote.kiada.svc.example.org", RecordType.A).Answer.ToString());
    }

    // ---------------------------------------------------------------- ReverseZones

    [Theory]
    [InlineData("example.com.")]
    [InlineData("arpa.")]
    [InlineData("e164.arpa.")]
    [InlineData("in-addr.arpa.example.com")]
    [InlineData("cluster.local")]
    public void Validate_ReverseZoneOutsideReverseTrees_NamesOptionAndValue(string zone)
    {
        var errors = RejectsEverywhere(o => o.ReverseZones.Add(zone));

        var error = Assert.Single(errors);
        Assert.StartsWith($"ClusterDnsOptions.ReverseZones: '{zone}' ", error);
        Assert.Contains("in-addr.arpa. or ip6.arpa.", error);
    }

    [Theory]
    [InlineData("bad zone")]
    [InlineData("10..in-addr.arpa")]
    public void Validate_ReverseZoneNameInvalid_NamesOptionAndValue(string zone)
    {
        var errors = RejectsEverywhere(o => o.ReverseZones.Add(zone));

        Assert.Equal($"ClusterDnsOptions.ReverseZones: '{zone}' is not a valid zone name", Assert.Single(errors));
    }

    [Theory]
    [InlineData("in-addr.arpa")]
    [InlineData("IN-ADDR.ARPA.")]
    [InlineData("ip6.arpa")]
    public void Validate_DuplicateReverseZone_NamesOptionAndValue(string zone)
    {
        var errors = RejectsEverywhere(o => o.ReverseZones.Add(zone));

        Assert.Equal($"ClusterDnsOptions.ReverseZones: '{zone}' is listed twice", Assert.Single(errors));
    }

    [Fact]
    public void Validate_ReverseZonesBelowArpaTrees_AreAccepted()
    {
        var options = new ClusterDnsOptions();
        options.ReverseZones.Clear();
        options.ReverseZones.Add("10.in-addr.arpa.");
        options.ReverseZones.Add("96.10.in-addr.arpa");
        options.ReverseZones.Add("d.f.ip6.arpa.");

        options.Validate();
        _ = new ClusterState(options);
    }

    [Theory]
    [InlineData("10.96.0.0/12")]
    [InlineData("10.244.0.0/16")]
    [InlineData("fd00:10:96::/112")]
    public void Validate_ReverseZoneCidr_IsAccepted(string cidr)
    {
        var options = new ClusterDnsOptions();
        options.ReverseZones.Add(cidr);

        options.Validate();
        _ = new ClusterState(options);
    }

    [Theory]
    [InlineData("10.96.0.0/12", "96.10.in-addr.arpa", "111.10.in-addr.arpa", 16)]
    [InlineData("10.244.0.0/16", "244.10.in-addr.arpa", "244.10.in-addr.arpa", 1)]
    [InlineData("10.0.0.0/8", "10.in-addr.arpa", "10.in-addr.arpa", 1)]
    [InlineData("192.168.1.0/23", "0.168.192.in-addr.arpa", "1.168.192.in-addr.arpa", 2)]
    [InlineData("fd00:10:96::/112", "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa", "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa", 1)]
    [InlineData("fd00::/7", "c.f.ip6.arpa", "d.f.ip6.arpa", 2)]
    public void TryExpandCidr_Prefix_GivesZonesOnOctetOrNibbleBoundaries(string cidr, string first, string last, int count)
    {
        Assert.True(KubeDns.Records.Settings.DnsSettings.TryExpandCidr(cidr, out var zones));

        Assert.Equal(count, zones.Count);
        Assert.Equal(first, zones[0]);
        Assert.Equal(last, zones[^1]);
    }

    [Theory]
    [InlineData("10.96.0.0/33")]
    [InlineData("10.96.0/12")]
    [InlineData("10.96.0.0/")]
    [InlineData("fd00::/129")]
    public void Validate_ReverseZoneBadCidr_NamesOptionAndValue(string cidr)
    {
        var options = new ClusterDnsOptions();
        options.ReverseZones.Add(cidr);

        var error = Assert.Single(Assert.Throws<ClusterValidationException>(options.Validate).Errors);
        Assert.StartsWith("ClusterDnsOptions.ReverseZones: ", error, StringComparison.Ordinal);
        Assert.Contains(cidr, error, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- Namespaces

    [Theory]
    [InlineData("Kiada")]
    [InlineData("-kiada")]
    [InlineData("kiada.svc")]
    [InlineData("ki_ada")]
    [InlineData("")]
    public void Validate_NamespaceInAllowListInvalid_NamesOptionAndValue(string ns)
    {
        var errors = RejectsEverywhere(o =>
        {
            o.Namespaces.Add("kiada");
            o.Namespaces.Add(ns);
        });

        var error = Assert.Single(errors);
        Assert.StartsWith($"ClusterDnsOptions.Namespaces: '{ns}' ", error);
        Assert.Contains("namespace name", error);
    }

    [Fact]
    public void Validate_NamespaceAllowListValid_IsAccepted()
    {
        var state = ExampleCluster.Create(o =>
        {
            o.Namespaces.Add("kiada");
            o.Namespaces.Add("kube-system");
        });

        ValidationAssert.AssertQuoteUnchanged(state);
        Assert.Equal(ResponseCode.NameError, state.Resolve("api.backend.svc.cluster.local", RecordType.A).ResponseCode);
    }

    // ---------------------------------------------------------------- NameServerService / NameServerAddresses

    [Theory]
    [InlineData("kube-dns")]
    [InlineData("/kube-dns")]
    [InlineData("kube-system/")]
    [InlineData("Kube-System/kube-dns")]
    [InlineData("kube-system/kube-dns/extra")]
    [InlineData("kube-system kube-dns")]
    [InlineData("")]
    public void Validate_NameServerServiceInvalid_NamesOptionAndValue(string value)
    {
        var errors = RejectsEverywhere(o => o.NameServerService = value);

        Assert.Equal($"ClusterDnsOptions.NameServerService: '{value}' is not namespace/name", Assert.Single(errors));
    }

    [Fact]
    public void Validate_NameServerServiceNull_NamesOption()
    {
        var errors = RejectsEverywhere(o => o.NameServerService = null!);

        Assert.StartsWith("ClusterDnsOptions.NameServerService: ", Assert.Single(errors));
    }

    [Theory]
    [InlineData("10.96.0.300")]
    [InlineData("010.96.0.10")]
    [InlineData("kube-dns.kube-system")]
    [InlineData("fd00::10%eth0")]
    [InlineData("")]
    public void Validate_NameServerAddressInvalid_NamesOptionAndValue(string address)
    {
        var errors = RejectsEverywhere(o =>
        {
            o.NameServerAddresses.Add("10.96.0.10");
            o.NameServerAddresses.Add(address);
        });

        Assert.Equal($"ClusterDnsOptions.NameServerAddresses: '{address}' is not an IP address", Assert.Single(errors));
    }

    [Theory]
    [InlineData("[fd00:10:96::53]")]
    [InlineData("[fd00:10:96::53]:53")]
    public void Validate_NameServerAddressBracketedIPv6_NamesOptionAndValue(string address)
    {
        var errors = RejectsEverywhere(o => o.NameServerAddresses.Add(address));

        Assert.Equal($"ClusterDnsOptions.NameServerAddresses: '{address}' is not an IP address", Assert.Single(errors));
    }

    [Fact]
    public void Constructor_NameServerAddresses_AnswerNsDns()
    {
        var state = ExampleCluster.Create(o =>
        {
            o.NameServerAddresses.Add("10.96.0.53");
            o.NameServerAddresses.Add("fd00:10:96::53");
        });

        Assert.Equal("ns.dns.cluster.local. 5 IN A 10.96.0.53\n", state.Resolve("ns.dns.cluster.local", RecordType.A).Answer.ToString());
        Assert.Equal("ns.dns.cluster.local. 5 IN AAAA fd00:10:96::53\n", state.Resolve("ns.dns.cluster.local", RecordType.AAAA).Answer.ToString());
    }

    // ---------------------------------------------------------------- several problems, and copying

    [Fact]
    public void Validate_SeveralBadOptions_ReportsEveryOne()
    {
        var errors = RejectsEverywhere(o =>
        {
            o.Ttl = 3601;
            o.Zones.Add("bad zone");
            o.Zones.Add("Cluster.Local");
            o.ReverseZones.Add("example.com");
            o.Namespaces.Add("Kiada");
            o.NameServerService = "kube-dns";
            o.NameServerAddresses.Add("10.96.0.300");
        });

        Assert.Equal(7, errors.Count);
        Assert.Contains("ClusterDnsOptions.Ttl: 3601 is not in 0..3600", errors);
        Assert.Contains("ClusterDnsOptions.Zones: 'bad zone' is not a valid zone name", errors);
        Assert.Contains("ClusterDnsOptions.Zones: 'Cluster.Local' is listed twice", errors);
        Assert.Contains(errors, e => e.StartsWith("ClusterDnsOptions.ReverseZones: 'example.com' ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ClusterDnsOptions.Namespaces: 'Kiada' ", StringComparison.Ordinal));
        Assert.Contains("ClusterDnsOptions.NameServerService: 'kube-dns' is not namespace/name", errors);
        Assert.Contains("ClusterDnsOptions.NameServerAddresses: '10.96.0.300' is not an IP address", errors);
    }

    [Fact]
    public void Constructor_OptionsMutatedAfterwards_HaveNoEffect()
    {
        var options = new ClusterDnsOptions();
        var state = new ClusterState(options);

        options.Ttl = 60;
        options.Zones[0] = "other.local.";
        options.Zones.Add("example.org.");
        options.Namespaces.Add("backend");
        options.NameServerAddresses.Add("10.96.0.53");
        options.ReverseZones.Clear();
        options.NameServerService = "nowhere";
        state.Apply(ExampleCluster.Batch());
        state.MarkSynced();

        ValidationAssert.AssertQuoteUnchanged(state);
        Assert.Equal(ResolutionKind.OutsideZones, state.Resolve("quote.kiada.svc.other.local", RecordType.A).Kind);
        Assert.Equal(ResolutionKind.OutsideZones, state.Resolve("quote.kiada.svc.example.org", RecordType.A).Kind);
        Assert.Equal("ns.dns.cluster.local. 5 IN A 10.96.0.10\n", state.Resolve("ns.dns.cluster.local", RecordType.A).Answer.ToString());
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsBeforeAnyState()
    {
        var options = new ClusterDnsOptions { Ttl = -1 };

        var exception = Assert.Throws<ClusterValidationException>(() => new ClusterState(options));

        Assert.Equal("ClusterDnsOptions.Ttl: -1 is not in 0..3600", exception.Message);
    }

    [Fact]
    public void Constructor_NullOptions_ThrowsArgumentNullException()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => new ClusterState(null!));

        Assert.Equal("options", exception.ParamName);
    }

    /// <summary>
    /// Configures default options, then asserts both <see cref="ClusterDnsOptions.Validate"/> and the
    /// <see cref="ClusterState"/> constructor reject them with the same errors; returns those errors.
    /// </summary>
    private static IReadOnlyList<string> RejectsEverywhere(Action<ClusterDnsOptions> configure)
    {
        var options = new ClusterDnsOptions();
        configure(options);

        var fromValidate = Assert.Throws<ClusterValidationException>(options.Validate);
        var fromConstructor = Assert.Throws<ClusterValidationException>(() => new ClusterState(options));

        Assert.Equal(fromValidate.Errors, fromConstructor.Errors);
        Assert.All(fromValidate.Errors, e => Assert.StartsWith("ClusterDnsOptions.", e));
        if (fromValidate.Errors.Count > 1)
        {
            Assert.StartsWith($"{fromValidate.Errors.Count} errors; nothing was applied:", fromValidate.Message);
        }

        return fromValidate.Errors;
    }
}
