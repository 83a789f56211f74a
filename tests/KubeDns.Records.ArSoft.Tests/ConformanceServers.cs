using System.Collections.Concurrent;

namespace KubeDns.Records.ArSoft.Tests;

/// <summary>
/// One ARSoft server with the adapter per conformance setup, and dig's answer to every case of that setup, asked in
/// one batch (<c>dig -f</c>) the first time a case of the setup is wanted.
/// </summary>
public sealed class ConformanceServers : IDisposable
{
    private readonly ConcurrentDictionary<string, ArSoftHost> _hosts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Dictionary<string, string>>>> _answers = new(StringComparer.Ordinal);

    /// <summary>The cases dig can ask: not a name with an empty label (<c>.cluster.local.</c>), which dig refuses to send.</summary>
    public static IEnumerable<ConformanceCase> Askable => ConformanceCases.All.Where(c => !c.Question.StartsWith('.') && !c.Question.Contains("..", StringComparison.Ordinal));

    /// <summary>dig's full output for one case.</summary>
    public async Task<string> AskAsync(ConformanceCase c)
    {
        var answers = await _answers.GetOrAdd(c.Setup, setup => new Lazy<Task<Dictionary<string, string>>>(() => AskSetupAsync(setup))).Value;
        return answers[c.Id];
    }

    public void Dispose()
    {
        foreach (var host in _hosts.Values)
        {
            host.Dispose();
        }
    }

    private async Task<Dictionary<string, string>> AskSetupAsync(string setup)
    {
        var state = ConformanceClusters.Get(setup);
        var handler = new KubeDnsQueryHandler(state);
        var host = _hosts.GetOrAdd(setup, _ => ArSoftHost.Start(handler.OnQueryReceivedAsync));
        var cases = Askable.Where(c => c.Setup == setup).ToArray();
        var batch = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(batch, cases.Select(c => c.Question));
            var output = await Dig.RunAsync(host.EndPoint, "-f", batch);

            // In batch mode dig prints one banner per query, in the order of the file.
            var replies = output.Split("; <<>> DiG")[1..];
            Assert.Equal(cases.Length, replies.Length);
            return cases.Select((c, i) => (c.Id, replies[i])).ToDictionary(x => x.Id, x => x.Item2, StringComparer.Ordinal);
        }
        finally
        {
            File.Delete(batch);
        }
    }
}
