using Microsoft.Extensions.DependencyInjection;

namespace KubeDns.Records;

internal sealed class KubeDnsRecordsBuilder(IServiceCollection services) : IKubeDnsRecordsBuilder
{
    public IServiceCollection Services { get; } = services;
}
