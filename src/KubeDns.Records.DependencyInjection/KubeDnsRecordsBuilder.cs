using Microsoft.Extensions.DependencyInjection;

namespace KubeDns.Records;

internal sealed class KubeDnsRecordsBuilder(IServiceCollection services, ClusterDnsOptions options) : IKubeDnsRecordsBuilder
{
    public IServiceCollection Services { get; } = services;

    public ClusterDnsOptions Options { get; } = options;
}
