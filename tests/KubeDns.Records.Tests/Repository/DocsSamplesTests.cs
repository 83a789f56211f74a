using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace KubeDns.Records.Tests.Repository;

/// <summary>
/// Every C# block of README.md, docs/**/*.md and src/*/README.md is a sample of docs/examples/Samples, a project of
/// the solution, so it compiles with the repository's rules; the block is checked to be that sample's text, and
/// the sample is run and must print what the block's comments claim. The conventions are in docs/examples/README.md
/// ("Samples").
/// </summary>
public partial class DocsSamplesTests
{
    private const string SamplesFolder = "docs/examples/Samples/";

    /// <summary>Exit code of a sample that is compiled but not run; it prints why on standard error.</summary>
    private const int NotRun = 3;

    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var markdown in MarkdownFiles())
        {
            var blocks = CodeBlock.Read(markdown);
            for (var i = 0; i < blocks.Count; i++)
            {
                data.Add(markdown, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void CSharpBlock_IsItsSampleVerbatim(string markdown, int index)
    {
        var block = CodeBlock.Read(markdown)[index];

        Assert.True(block.Sample is not null,
            $"{markdown}:{block.Line}: a C# block needs a '<!-- sample: {SamplesFolder}NAME.cs -->' line directly above it");
        var sample = Path.Combine(PackageHygieneTests.RepositoryRoot(), block.Sample);
        Assert.True(File.Exists(sample), $"{markdown}:{block.Line}: the sample '{block.Sample}' does not exist");
        var shown = ShownText(File.ReadAllText(sample));
        Assert.True(shown == block.Text,
            $"{markdown}:{block.Line}: the block differs from the '#region sample' parts of {block.Sample}; the block should read\n{shown}");
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task CSharpBlock_SamplePrintsWhatTheBlockClaims(string markdown, int index)
    {
        var block = CodeBlock.Read(markdown)[index];
        Assert.NotNull(block.Sample);
        var claims = Claims(block.Text);

        var (exitCode, output, error) = await RunSampleAsync(Path.GetFileNameWithoutExtension(block.Sample));

        if (exitCode == NotRun)
        {
            // Compiled with the solution, not run (a real Kubernetes API, port 53 …): it may claim no output.
            Assert.StartsWith("not run: ", error, StringComparison.Ordinal);
            Assert.True(claims.Count == 0, $"{markdown}:{block.Line}: {block.Sample} is not run, so its comments cannot claim output");
            return;
        }

        Assert.True(exitCode == 0, $"{block.Sample} exited with {exitCode}: {error}");
        AssertPrinted(claims, output, $"{markdown}:{block.Line} ({block.Sample})");
    }

    [Fact]
    public void EverySample_IsShownInTheDocs()
    {
        var shown = MarkdownFiles().SelectMany(CodeBlock.Read).Select(b => b.Sample).ToHashSet(StringComparer.Ordinal);
        // A sample is a file with a region to show; the others (Program.cs, SampleCluster.cs) are the runner and
        // the context samples share.
        var samples = Directory.GetFiles(Path.Combine(PackageHygieneTests.RepositoryRoot(), SamplesFolder), "*.cs")
            .Where(f => File.ReadAllText(f).Contains("#region sample", StringComparison.Ordinal))
            .Select(f => SamplesFolder + Path.GetFileName(f));

        var notShown = samples.Where(s => !shown.Contains(s)).ToList();
        Assert.True(notShown.Count == 0, $"samples no markdown block shows: {string.Join(", ", notShown)}");
    }

    /// <summary>docs/examples/README.md shows the quick start's output: it is what the program prints, but the SOA serial.</summary>
    [Fact]
    public async Task QuickStart_PrintsTheOutputItsReadmeShows()
    {
        var readme = File.ReadAllText(Path.Combine(PackageHygieneTests.RepositoryRoot(), "docs", "examples", "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("Output:\n\n```\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/examples/README.md: no 'Output:' block");
        start += "Output:\n\n```\n".Length;
        var shown = readme[start..readme.IndexOf("```\n", start, StringComparison.Ordinal)];

        var (exitCode, output, error) = await RunAsync("QuickStartAssembly");

        Assert.True(exitCode == 0, $"QuickStart exited with {exitCode}: {error}");
        Assert.Equal(WithoutSerial(shown), WithoutSerial(output.ReplaceLineEndings("\n")));

        // The serial is the publication time (docs/specification.md §7), different on every run.
        static string WithoutSerial(string text) => SoaSerial().Replace(text, "${fields}SERIAL");
    }

    /// <summary>The claim convention itself, on a block that is not a sample.</summary>
    [Fact]
    public void Claims_AreTrailingCommentsOrTheCommentLinesBelow()
    {
        var claims = Claims("""
            Console.WriteLine(a);   // one
            Console.Error.WriteLine(b);   // not output
            Console.WriteLine(c);
            // two
            //
            // three
            var d = 1;   // not output
            Console.WriteLine(e);   // four
            // a remark, not output: the statement claimed its line already
            """);

        List<List<string>> expected = [["one"], ["two", "", "three"], ["four"]];
        Assert.Equal(expected, claims);
    }

    /// <summary>The markdown that may hold C# blocks: README.md, docs/**/*.md and src/*/README.md, relative to the root.</summary>
    private static IEnumerable<string> MarkdownFiles()
    {
        var root = PackageHygieneTests.RepositoryRoot();
        return new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .Concat(Directory.GetDirectories(Path.Combine(root, "src")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>
    /// What a sample file shows in its block: the lines between each <c>#region sample</c> and its
    /// <c>#endregion</c>, each region shifted left by its smallest indentation, regions separated by one empty line.
    /// </summary>
    private static string ShownText(string source)
    {
        var regions = new List<string>();
        List<string>? region = null;
        foreach (var line in source.ReplaceLineEndings("\n").Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed == "#region sample")
            {
                region = [];
            }
            else if (trimmed == "#endregion" && region is not null)
            {
                var indent = region.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
                regions.Add(string.Join('\n', region.Select(l => l.Trim().Length == 0 ? string.Empty : l[indent..])));
                region = null;
            }
            else
            {
                region?.Add(line);
            }
        }

        return string.Join("\n\n", regions);
    }

    /// <summary>
    /// The output a block claims, one group per statement: a <c>Console.WriteLine(…);</c> followed by a comment on
    /// its own line claims that comment as one line of output; one without claims the comment lines directly below
    /// it (<c>//</c> alone is an empty line).
    /// </summary>
    private static List<List<string>> Claims(string block)
    {
        var claims = new List<List<string>>();
        var lines = block.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var statement = WriteLineStatement().Match(lines[i]);
            if (!statement.Success)
            {
                continue;
            }

            if (statement.Groups["comment"].Success)
            {
                claims.Add([statement.Groups["comment"].Value.Trim()]);
                continue;
            }

            var group = new List<string>();
            while (i + 1 < lines.Length && lines[i + 1].TrimStart().StartsWith("//", StringComparison.Ordinal))
            {
                group.Add(lines[++i].TrimStart()[2..].Trim());
            }

            if (group.Count > 0)
            {
                claims.Add(group);
            }
        }

        return claims;
    }

    /// <summary>
    /// Each group of claimed lines appears in the output as consecutive lines, the groups in order. Runs of blanks
    /// compare as one space (dig separates fields with tabs), and <c>&lt;word&gt;</c> in a claim stands for any
    /// text without blanks, such as an ephemeral port.
    /// </summary>
    private static void AssertPrinted(List<List<string>> claims, string output, string where)
    {
        var printed = output.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').Select(Normalize).ToList();
        var position = 0;
        foreach (var group in claims)
        {
            var patterns = group.Select(c => new Regex("^" + Placeholder().Replace(Regex.Escape(Normalize(c)), @"\S+") + "$", RegexOptions.None, TimeSpan.FromSeconds(1))).ToList();
            var found = -1;
            for (var start = position; start + patterns.Count <= printed.Count && found < 0; start++)
            {
                if (patterns.Select((p, k) => p.IsMatch(printed[start + k])).All(m => m))
                {
                    found = start;
                }
            }

            Assert.True(found >= 0, $"{where}: claims\n{string.Join('\n', group)}\nbut printed\n{output}");
            position = found + patterns.Count;
        }

        static string Normalize(string line) => Blanks().Replace(line, " ").Trim();
    }

    private static Task<(int ExitCode, string Output, string Error)> RunSampleAsync(string name) =>
        RunAsync("SamplesAssembly", name);

    /// <summary>Runs a built program (named by its assembly metadata key) from docs/examples, 60 s at most.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string assemblyKey, params string[] args)
    {
        var assembly = typeof(DocsSamplesTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == assemblyKey).Value!;
        var start = new ProcessStartInfo("dotnet")
        {
            // From docs/examples, where the manifest samples find the example cluster as cluster/.
            WorkingDirectory = Path.Combine(PackageHygieneTests.RepositoryRoot(), "docs", "examples"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The live-feed sample runs only against the API server KUBECONFIG names; here it never does (the tool's
        // LiveClusterSampleTests give it one), whatever the machine's environment says.
        start.Environment.Remove("KUBECONFIG");
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(assembly)} {string.Join(' ', args)} did not finish within {RunTimeout}");
        }

        return (process.ExitCode, await output, await error);
    }

    [GeneratedRegex(@"^\s*Console\.WriteLine\(.*\);(\s*//(?<comment>.*))?$")]
    private static partial Regex WriteLineStatement();

    [GeneratedRegex(@"<[a-z-]+>")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"(?<fields> IN SOA \S+ \S+ )\d+")]
    private static partial Regex SoaSerial();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Blanks();

    /// <summary>A fenced C# block of a markdown file, with the sample named on the line above it.</summary>
    private sealed partial record CodeBlock(int Line, string? Sample, string Text)
    {
        public static List<CodeBlock> Read(string markdown)
        {
            var lines = File.ReadAllText(Path.Combine(PackageHygieneTests.RepositoryRoot(), markdown)).ReplaceLineEndings("\n").Split('\n');
            var blocks = new List<CodeBlock>();
            for (var i = 0; i < lines.Length; i++)
            {
                if (!CSharpFence().IsMatch(lines[i]))
                {
                    continue;
                }

                var marker = i > 0 ? SampleMarker().Match(lines[i - 1]) : Match.Empty;
                var body = new StringBuilder();
                var start = i;
                while (++i < lines.Length && lines[i].Trim() != "```")
                {
                    body.Append(lines[i]).Append('\n');
                }

                blocks.Add(new CodeBlock(start + 1, marker.Success ? marker.Groups[1].Value : null, body.ToString().TrimEnd('\n')));
            }

            return blocks;
        }

        [GeneratedRegex(@"^\s*```\s*(csharp|cs|c#)\s*$", RegexOptions.IgnoreCase)]
        private static partial Regex CSharpFence();

        [GeneratedRegex(@"^\s*<!-- sample: (\S+) -->\s*$")]
        private static partial Regex SampleMarker();
    }
}
