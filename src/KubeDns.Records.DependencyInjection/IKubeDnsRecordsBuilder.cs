using Microsoft.Extensions.DependencyInjection;

namespace KubeDns.Records;

/// <summary>
/// Returned by <see cref="KubeDnsRecordsServiceCollectionExtensions.AddKubeDnsRecords"/> so that the packages after it
/// can add their own registrations (<c>builder.AddKubeDnsServer(…)</c>, <c>builder.AddKubernetesFeed(…)</c>).
/// </summary>
public interface IKubeDnsRecordsBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}
