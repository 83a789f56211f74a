namespace KubeDns.Records.Tool;

/// <summary>The record options <c>--pods</c> and <c>--wildcards</c> (specification.md §9, §10).</summary>
internal static class FeatureOptions
{
    /// <summary>The values <c>--pods</c> accepts.</summary>
    public static readonly string[] PodModes = ["disabled", "insecure", "verified"];

    /// <summary><c>--pods MODE</c>.</summary>
    public static void ApplyPods(ClusterDnsOptions options, string? mode)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Pods = mode is null ? PodRecordMode.Disabled : Enum.Parse<PodRecordMode>(mode, ignoreCase: true);
    }

    /// <summary><c>--wildcards</c>: off by default, because wildcards let any client enumerate the cluster.</summary>
    public static void ApplyWildcards(ClusterDnsOptions options, bool wildcards)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Wildcards = wildcards;
    }
}
