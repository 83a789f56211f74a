using Microsoft.Extensions.Hosting;

namespace KubeDns.Records.ArSoft;

/// <summary>Runs a <see cref="KubeDnsServer"/> for the lifetime of a generic host.</summary>
internal sealed class KubeDnsServerHostedService(KubeDnsServer server) : IHostedService, IAsyncDisposable
{
    public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
