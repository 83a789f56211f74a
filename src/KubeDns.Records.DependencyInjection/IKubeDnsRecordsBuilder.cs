using Microsoft.Extensions.DependencyInjection;

namespace KubeDns.Records;

/// <summary>
/// Returned by <see cref="KubeDnsRecordsServiceCollectionExtensions.AddKubeDnsRecords"/> so that adapter packages
/// can add their own registrations (<c>builder.AddArSoftServer(…)</c>).
/// </summary>
public interface IKubeDnsRecordsBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }

    /// <summary>The options instance every registration of this collection shares; already validated.</summary>
    ClusterDnsOptions Options { get; }
}
