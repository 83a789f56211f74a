using System.Net;
using KubeDns.Records.Server;

namespace KubeDns.Records.Servers.Tests;

/// <summary>Validation of <see cref="KubeDnsServerOptions"/> by <see cref="KubeDnsServer"/> and of <see cref="UdpDnsForwarder"/>.</summary>
public class NativeServerOptionsTests
{
    [Theory]
    [InlineData(100)]
    [InlineData(511)]
    [InlineData(70000)]
    public void Constructor_PayloadSizeOutOfRange_ArgumentExceptionNamingOption(int size)
    {
        var error = Assert.Throws<ArgumentException>(() => new KubeDnsServer(ExampleCluster.Create(), Loopback(o => o.MaxUdpPayloadSize = size)));

        Assert.Contains("MaxUdpPayloadSize", error.Message);
        Assert.Contains(size.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.Equal(nameof(KubeDnsServerOptions.MaxUdpPayloadSize), error.ParamName);
    }

    [Fact]
    public void Constructor_BadRecursionNetwork_ArgumentExceptionNamingOptionAndValue()
    {
        var error = Assert.Throws<ArgumentException>(() => new KubeDnsServer(ExampleCluster.Create(), Loopback(o => o.RecursionAllowedNetworks.Add("192.168.1.1/16"))));

        Assert.StartsWith("KubeDnsServerOptions.RecursionAllowedNetworks: '192.168.1.1/16' is not a network", error.Message, StringComparison.Ordinal);
        Assert.Equal(nameof(KubeDnsServerOptions.RecursionAllowedNetworks), error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void Constructor_UdpReceiversOutOfRange_ArgumentExceptionNamingOption(int receivers)
    {
        var error = Assert.Throws<ArgumentException>(() => new KubeDnsServer(ExampleCluster.Create(), Loopback(o => o.UdpReceivers = receivers)));

        Assert.Contains("UdpReceivers", error.Message);
        Assert.Contains(receivers.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1025)]
    public void Constructor_UdpBatchSizeOutOfRange_ArgumentExceptionNamingOptionAndValue(int size)
    {
        var error = Assert.Throws<ArgumentException>(() => new KubeDnsServer(ExampleCluster.Create(), Loopback(o => o.UdpBatchSize = size)));

        Assert.Contains("UdpBatchSize", error.Message);
        Assert.Contains(size.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.Equal(nameof(KubeDnsServerOptions.UdpBatchSize), error.ParamName);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(KubeDnsServerOptions.MaxUdpBatchSize)]
    public async Task Constructor_UdpBatchSizeAtBounds_Accepted(int size)
    {
        await using var server = new KubeDnsServer(ExampleCluster.Create(), Loopback(o => o.UdpBatchSize = size));

        Assert.False(server.IsRunning);
    }

    [Fact]
    public void UdpBatchSize_Default_32() => Assert.Equal(32, new KubeDnsServerOptions().UdpBatchSize);

    [Fact]
    public void Endpoints_Default_EmptyAndValid()
    {
        var options = new KubeDnsServerOptions();

        options.Validate();

        Assert.Empty(options.Endpoints);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5353), KubeDnsServerOptions.DefaultEndpoint);
    }

    [Fact]
    public async Task StartAsync_OneEphemeralEndpointAdded_BindsOnlyThatEndpoint()
    {
        // Added without clearing first, as a test harness would: the 5353 default applies only when none is given.
        var options = new KubeDnsServerOptions { UdpReceivers = 1 };
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        await using var server = new KubeDnsServer(ExampleCluster.Create(), options);

        await server.StartAsync();

        var bound = Assert.Single(server.LocalEndPoints);
        Assert.Equal(IPAddress.Loopback, bound.Address);
        Assert.NotEqual(5353, bound.Port);
    }

    [Fact]
    public void Constructor_NullEndpoint_ArgumentExceptionNamingOption()
    {
        var error = Assert.Throws<ArgumentException>(() => new KubeDnsServer(ExampleCluster.Create(), Loopback(o => o.Endpoints.Add(null!))));

        Assert.Contains("Endpoints", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_TcpIdleTimeoutNotPositive_ArgumentExceptionNamingOption(int milliseconds)
    {
        var error = Assert.Throws<ArgumentException>(() => new KubeDnsServer(ExampleCluster.Create(), Loopback(o => o.TcpIdleTimeout = TimeSpan.FromMilliseconds(milliseconds))));

        Assert.Contains("TcpIdleTimeout", error.Message);
    }

    [Fact]
    public void Constructor_MaxTcpConnectionsZero_ArgumentExceptionNamingOption()
    {
        var error = Assert.Throws<ArgumentException>(() => new KubeDnsServer(ExampleCluster.Create(), Loopback(o => o.MaxTcpConnections = 0)));

        Assert.Contains("MaxTcpConnections", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Constructor_MaxTcpConnectionsPerClientBelowOne_ArgumentExceptionNamingOptionAndValue(int value)
    {
        var error = Assert.Throws<ArgumentException>(() => new KubeDnsServer(ExampleCluster.Create(), Loopback(o => o.MaxTcpConnectionsPerClient = value)));

        Assert.Equal($"KubeDnsServerOptions.MaxTcpConnectionsPerClient: {value} must be at least 1. (Parameter 'MaxTcpConnectionsPerClient')", error.Message);
    }

    [Theory]
    [InlineData(-1, 2, "KubeDnsServerOptions.ResponseRateLimit: -1 is not in 0..1000000", "ResponseRateLimit")]
    [InlineData(1_000_001, 2, "KubeDnsServerOptions.ResponseRateLimit: 1000001 is not in 0..1000000", "ResponseRateLimit")]
    [InlineData(5, -1, "KubeDnsServerOptions.ResponseRateLimitSlip: -1 is not in 0..10", "ResponseRateLimitSlip")]
    public void Constructor_ResponseRateLimitOutOfRange_ArgumentExceptionNamingOptionAndValue(int rate, int slip, string message, string option)
    {
        var error = Assert.Throws<ArgumentException>(() => new KubeDnsServer(ExampleCluster.Create(), Loopback(o =>
        {
            o.ResponseRateLimit = rate;
            o.ResponseRateLimitSlip = slip;
        })));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(option, error.ParamName);
    }

    [Fact]
    public void Constructor_NullTimeProvider_ArgumentExceptionNamingOption()
    {
        var error = Assert.Throws<ArgumentException>(() => new KubeDnsServer(ExampleCluster.Create(), Loopback(o => o.TimeProvider = null!)));

        Assert.StartsWith("KubeDnsServerOptions.TimeProvider: is required.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResponseRateLimit_Default_OffSlipTwo() =>
        Assert.Equal((0, 2), (new KubeDnsServerOptions().ResponseRateLimit, new KubeDnsServerOptions().ResponseRateLimitSlip));

    [Fact]
    public void Constructor_NullState_ArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => new KubeDnsServer(null!));

    [Fact]
    public void UdpDnsForwarder_UpstreamWithoutPort_ArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => new UdpDnsForwarder([new IPEndPoint(IPAddress.Loopback, 0)], TimeSpan.FromSeconds(1)));

        Assert.Equal("upstreams", error.ParamName);
    }

    [Fact]
    public void UdpDnsForwarder_NoUpstream_ArgumentException() =>
        Assert.Throws<ArgumentException>(() => new UdpDnsForwarder([], TimeSpan.FromSeconds(1)));

    [Fact]
    public void UdpDnsForwarder_TimeoutNotPositive_ArgumentOutOfRangeException() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new UdpDnsForwarder([new IPEndPoint(IPAddress.Loopback, 53)], TimeSpan.Zero));

    private static KubeDnsServerOptions Loopback(Action<KubeDnsServerOptions>? configure = null)
    {
        var options = new KubeDnsServerOptions();
        options.Endpoints.Clear();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        configure?.Invoke(options);
        return options;
    }
}
