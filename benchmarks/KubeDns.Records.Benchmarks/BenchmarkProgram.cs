using BenchmarkDotNet.Running;

namespace KubeDns.Records.Benchmarks;

/// <summary>
/// The benchmark program's modes: <c>memory [SIZES…]</c> (<see cref="MemoryReport"/>), <c>generate …</c>
/// (<see cref="ManifestWriter"/>, for benchmarks/load/run.sh), and otherwise BenchmarkDotNet's switcher
/// (<c>--filter '*Resolve*' --job short</c>, <c>--list flat</c>, …).
/// </summary>
public static class BenchmarkProgram
{
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.FirstOrDefault() switch
        {
            "memory" => MemoryReport.Run(args[1..], Console.Out),
            "generate" => ManifestWriter.Run(args[1..], Console.Out),
            _ => Switch(args),
        };
    }

    private static int Switch(string[] args)
    {
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
