using System.Text.RegularExpressions;

namespace KubeDns.Records.Kubernetes.Tests.TestData;

/// <summary>docs/examples/cluster, copied next to the test assembly, and helpers to compare answers.</summary>
internal static partial class ExampleManifests
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "ExampleManifests");

    public static ClusterState Load(Action<ClusterDnsOptions>? configure = null)
    {
        var options = new ClusterDnsOptions();
        configure?.Invoke(options);
        var state = new ClusterState(options);
        ClusterManifest.Load([Folder]).ApplyTo(state);
        state.MarkSynced();
        return state;
    }

    /// <summary>dig-style text of one answer with the SOA serial replaced, which differs between two states.</summary>
    public static string Answer(ClusterState state, string name, RecordType type) =>
        Serial().Replace(state.Resolve(name, type).ToString(), "${1}<serial>${2}");

    [GeneratedRegex(@"(IN SOA \S+ \S+ )\d+( )")]
    private static partial Regex Serial();
}
