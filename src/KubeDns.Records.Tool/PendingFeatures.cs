namespace KubeDns.Records.Tool;

/// <summary>
/// Options the parser accepts for records the core does not have yet: pod records (<c>--pods</c>), wildcards
/// (<c>--wildcards</c>) and the search-path model (<c>query --namespace</c>), all from issue #6. Until the core has
/// them each is refused with exit code 2; wiring one is replacing its throw with the line in its comment.
/// </summary>
internal static class PendingFeatures
{
    /// <summary>The values <c>--pods</c> accepts.</summary>
    public static readonly string[] PodModes = ["disabled", "insecure", "verified"];

    /// <summary><c>--pods MODE</c>. <c>disabled</c> is what the core does today, so it is accepted.</summary>
    public static void ApplyPods(ClusterDnsOptions options, string? mode)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (mode is null || mode == "disabled")
        {
            return;
        }

        // Issue #6: options.Pods = Enum.Parse<PodRecordMode>(mode, ignoreCase: true);
        throw new UsageException($"--pods {mode} needs pod records from issue #6; not available in this build");
    }

    /// <summary><c>--wildcards</c>.</summary>
    public static void ApplyWildcards(ClusterDnsOptions options, bool wildcards)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!wildcards)
        {
            return;
        }

        // Issue #6: options.Wildcards = true;
        throw new UsageException("--wildcards needs record support from issue #6; not available in this build");
    }

    /// <summary><c>query --namespace NS</c>: resolve as a pod in that namespace would, through its search path.</summary>
    public static void CheckSearchPath(string? podNamespace)
    {
        if (podNamespace is null)
        {
            return;
        }

        // Issue #6: return SearchPath.Resolve(state.Current, name, type, podNamespace) and print each candidate.
        throw new UsageException("query --namespace needs the search-path model from issue #6; not available in this build");
    }
}
