namespace KubeDns.Records.Benchmarks;

/// <summary>Consumes resolutions the way a server would (every record visited) and checks a benchmark's premise.</summary>
public static class Answers
{
    /// <summary>Visits every record of every section; the result only keeps the JIT from dropping the work.</summary>
    public static int Visit(Resolution resolution)
    {
        var n = (int)resolution.ResponseCode;
        foreach (var record in resolution.Answer)
        {
            n += record.Port + (int)record.TimeToLive + (int)record.Type;
        }

        foreach (var record in resolution.Additional)
        {
            n += (int)record.Type;
        }

        return n + resolution.Authority.Count;
    }

    /// <summary>
    /// Throws unless <paramref name="name"/> resolves as the benchmark claims, so that a change in the generator or
    /// the library cannot silently turn a benchmark into a measurement of something else.
    /// </summary>
    public static void Expect(ClusterSnapshot snapshot, string name, RecordType type, ResolutionKind kind, int answers, int minAdditional = 0)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var resolution = snapshot.Resolve(name, type);
        if (resolution.Kind != kind || (answers >= 0 && resolution.Answer.Count != answers) || resolution.Additional.Count < minAdditional)
        {
            throw new InvalidOperationException(
                $"{name} {type}: expected {kind} with {answers} answers and at least {minAdditional} additional, got {resolution.Kind} with {resolution.Answer.Count} answers and {resolution.Additional.Count} additional");
        }
    }

    /// <summary>Throws unless the naive resolver gives <paramref name="expected"/> records (-1: NXDOMAIN).</summary>
    public static void Expect(NaiveResolver naive, string name, RecordType type, int expected)
    {
        ArgumentNullException.ThrowIfNull(naive);
        var actual = naive.Resolve(name, type);
        if (actual != expected)
        {
            throw new InvalidOperationException($"naive {name} {type}: expected {expected} records, got {actual}");
        }
    }
}
