namespace KubeDns.Records.Tool;

/// <summary>The example cluster of specification.md §14.1, embedded from docs/examples/cluster: what serves without <c>--manifests</c>.</summary>
internal static class ExampleClusterResource
{
    private const string Prefix = "ExampleCluster/";

    /// <summary>Each manifest as (name, text), in name order; names read <c>example:kiada.yaml</c> in messages.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Manifests()
    {
        var assembly = typeof(ExampleClusterResource).Assembly;
        var result = new List<KeyValuePair<string, string>>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            result.Add(new("example:" + name[Prefix.Length..], reader.ReadToEnd()));
        }

        return result;
    }
}
