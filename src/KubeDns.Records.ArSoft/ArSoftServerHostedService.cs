using Microsoft.Extensions.Hosting;

namespace KubeDns.Records.ArSoft;

/// <summary>Runs a <see cref="ArSoftServer"/> for the lifetime of a generic host.</summary>
internal sealed class ArSoftServerHostedService(ArSoftServer server) : IHostedService, IAsyncDisposable, IDisposable
{
    public Task StartAsync(CancellationToken cancellationToken) => server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => server.DisposeAsync();

    /// <summary>A container disposed synchronously stops the server too (the generic host disposes asynchronously).</summary>
    public void Dispose() => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
