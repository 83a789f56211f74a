using System.Globalization;
using KubeDns.Records.Kubernetes;

namespace KubeDns.Records.Tool;

/// <summary>
/// What the tool writes to standard error besides errors, by <c>--quiet</c> and <c>--verbose</c> (docs/tool.md,
/// "What is written to standard error"): errors always; warnings, notices and summaries unless <c>--quiet</c>; the
/// lines a summary stands for only with <c>--verbose</c>.
/// </summary>
internal sealed class Diagnostics(TextWriter error, bool quiet, bool verbose)
{
    private string? _lastSkipped;

    /// <summary>Standard error itself, for a logger that applies its own level (<see cref="StderrLogger"/>).</summary>
    public TextWriter Writer => error;

    public bool IsQuiet => quiet;

    public bool IsVerbose => verbose;

    /// <summary><c>kubedns: warning: …</c>, unless <c>--quiet</c>.</summary>
    public void Warning(string text)
    {
        if (!quiet)
        {
            error.WriteLine($"kubedns: warning: {text}");
        }
    }

    /// <summary><c>kubedns: …</c>, unless <c>--quiet</c>: what happened, such as a reload.</summary>
    public void Notice(string text)
    {
        if (!quiet)
        {
            error.WriteLine($"kubedns: {text}");
        }
    }

    /// <summary><c>kubedns: error: …</c>, always.</summary>
    public void Error(string text) => error.WriteLine($"kubedns: error: {text}");

    /// <summary><c>kubedns: …</c>, always: what an error means, such as <c>the edit was rejected</c>.</summary>
    public void Outcome(string text) => error.WriteLine($"kubedns: {text}");

    public void Flush() => error.Flush();

    /// <summary>
    /// The manifest's warnings, then one line for the objects skipped (<see cref="SkippedSummary"/>), or with
    /// <c>--verbose</c> one line per skipped object and then the summary. With <paramref name="onlyWhenChanged"/> (a
    /// reload) the skipped objects are reported only when their summary, or with <c>--verbose</c> their list, differs
    /// from the one reported last, so that every edit of a large manifest set does not repeat the same line.
    /// </summary>
    public void Manifest(ClusterManifest manifest, bool onlyWhenChanged)
    {
        foreach (var warning in manifest.Warnings)
        {
            Warning(warning);
        }

        var summary = SkippedSummary(manifest.SkippedObjects);
        var key = verbose ? string.Join('\n', manifest.SkippedObjects) : summary;
        if (onlyWhenChanged && key == _lastSkipped)
        {
            return;
        }

        _lastSkipped = key;
        if (quiet || summary is null)
        {
            return;
        }

        if (verbose)
        {
            foreach (var skipped in manifest.SkippedObjects)
            {
                error.WriteLine($"kubedns: {skipped}");
            }

            error.WriteLine($"kubedns: {summary}");
        }
        else
        {
            error.WriteLine($"kubedns: {summary}; --verbose lists them");
        }
    }

    /// <summary>
    /// Says which Services select no pod with an IP (<see cref="ClusterManifest.ServicesWithoutPods"/>), and, without
    /// <c>--simulate-workloads</c>, that the flag creates their workloads' pods; unless <c>--quiet</c>.
    /// </summary>
    public void ServicesWithoutPods(ClusterManifest manifest, bool simulated)
    {
        var names = manifest.ServicesWithoutPods;
        if (names.Count == 0)
        {
            return;
        }

        var list = string.Join(", ", names);
        var services = names.Count == 1 ? "1 Service selects" : string.Create(CultureInfo.InvariantCulture, $"{names.Count} Services select");
        Warning(simulated
            ? $"{services} no pod, even with workloads simulated ({list}): check the selectors"
            : $"{services} pods that do not exist or have no IP ({list}); --simulate-workloads creates the pods their workloads would run");
    }

    /// <summary>
    /// <c>skipped 117 objects of 9 kinds that cluster DNS does not use (ConfigMap 30, Deployment 12, …)</c>: every
    /// kind with its count, the most frequent first, then by name; null when nothing was skipped.
    /// </summary>
    internal static string? SkippedSummary(IReadOnlyList<SkippedManifestObject> skipped)
    {
        if (skipped.Count == 0)
        {
            return null;
        }

        var kinds = skipped
            .GroupBy(s => s.Kind, StringComparer.Ordinal)
            .Select(g => (Kind: g.Key, Count: g.Count()))
            .OrderByDescending(k => k.Count)
            .ThenBy(k => k.Kind, StringComparer.Ordinal)
            .ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"skipped {skipped.Count} object{(skipped.Count == 1 ? string.Empty : "s")} of {kinds.Count} kind{(kinds.Count == 1 ? string.Empty : "s")} that cluster DNS does not use ({string.Join(", ", kinds.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Kind} {k.Count}")))})");
    }
}
