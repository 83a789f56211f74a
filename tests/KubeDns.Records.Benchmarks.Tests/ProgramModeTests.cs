using KubeDns.Records.Benchmarks;

namespace KubeDns.Records.Benchmarks.Tests;

/// <summary>
/// The memory report reads the whole process's heap, so these run alone, after the parallel tests of this assembly.
/// </summary>
[Collection(ProgramModeTests.Alone)]
public class ProgramModeTests
{
    public const string Alone = "Program modes (whole-heap measurements)";

    [Fact]
    public void Memory_ReportsRetainedBytesPerServiceAndEndpoint()
    {
        var result = MemoryReport.Measure(200);
        using var output = new StringWriter();

        MemoryReport.Write([result], output);

        Assert.Equal(200, result.Cluster.Services);
        Assert.True(result.Cluster.RetainedBytes > 0);
        Assert.True(result.BytesPerService > 0);
        Assert.True(result.BytesPerEndpoint > 0);
        Assert.Contains("| 200 |", output.ToString());
    }

    [Fact]
    public void Generate_WritesManifestsQueriesAndSample()
    {
        var directory = Directory.CreateTempSubdirectory("kubedns-generate-");
        try
        {
            using var output = new StringWriter();

            var exitCode = ManifestWriter.Run(["--out", directory.FullName, "--services", "1000", "--namespaces", "20", "--headless", "100", "--endpoints", "5"], output);

            Assert.Equal(0, exitCode);
            Assert.Equal(20, Directory.GetFiles(Path.Combine(directory.FullName, "manifests"), "*.yaml").Length);
            var yaml = string.Concat(Directory.GetFiles(Path.Combine(directory.FullName, "manifests")).Select(File.ReadAllText));
            Assert.Equal(1000, CountOf(yaml, "kind: Service\n"));
            Assert.Equal(100, CountOf(yaml, "  clusterIP: None\n"));
            Assert.Equal(1000, CountOf(yaml, "kind: EndpointSlice\n"));
            Assert.Equal(500 + (900 * 2), CountOf(yaml, "- addresses: ["));

            var queries = File.ReadAllLines(Path.Combine(directory.FullName, "queries.txt"));
            Assert.Equal(11_000, queries.Length);
            Assert.Equal(7_000 + 1_000, queries.Count(q => q.EndsWith(" A", StringComparison.Ordinal)));
            Assert.Equal(3_000, queries.Count(q => q.EndsWith(" SRV", StringComparison.Ordinal)));
            Assert.Equal(1_000, queries.Count(q => q.Split(' ')[0].Count(c => c == '.') > 5 && !q.StartsWith('_')));
            Assert.NotEmpty(File.ReadAllLines(Path.Combine(directory.FullName, "sample.txt")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Generate_WithoutOut_Throws()
    {
        using var output = new StringWriter();

        Assert.Throws<ArgumentException>(() => ManifestWriter.Run(["--services", "10"], output));
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

/// <summary>Runs its tests with nothing else of this assembly running.</summary>
[CollectionDefinition(ProgramModeTests.Alone, DisableParallelization = true)]
public sealed class ProgramModeGroup
{
}
