using System.Text;
using KubeDns.Records.Kubernetes.Tests.TestData;

namespace KubeDns.Records.Kubernetes.Tests;

/// <summary>
/// Random mutations of real manifests (docs/examples/cluster, docs/deploy) either load or raise
/// <see cref="ManifestException"/>, never another exception, and never hang. The seed is fixed, so a failure
/// reproduces; the message gives the case and its text.
/// </summary>
public class ManifestFuzzTests
{
    private const int Seed = 1014;
    private const int Cases = 3000;

    /// <summary>Generous: one case takes milliseconds; only a hang comes near it.</summary>
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);

    /// <summary>What YAML gives meaning to: indicators, document markers, quotes, escapes, tabs and line breaks.</summary>
    private static readonly string[] Punctuation =
        ["[", "]", "{", "}", ":", ": ", ",", "- ", "? ", "|", ">", "|-", ">+", "&a ", "*a", "!", "!!str ", "%", "@", "`", "'", "\"", "#", "\\", "\t", "\n", "\n---\n", "\n...\n", "  ", "\r", "\uFEFF", "\0", "<<: ", "{}", "[]"];

    [Fact]
    public async Task Parse_MutatedManifests_LoadOrRaiseManifestException()
    {
        var sources = Directory.GetFiles(ExampleManifests.Folder, "*.yaml").Order(StringComparer.Ordinal)
            .Append(Path.Combine(AppContext.BaseDirectory, "Deploy", "kubedns.yaml"))
            .Select(File.ReadAllText)
            .ToList();
        var random = new Random(Seed);
        for (var i = 0; i < Cases; i++)
        {
            var text = sources[random.Next(sources.Count)];
            var applied = new List<string>();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                text = Mutate(random, text, applied);
            }

            var run = Task.Run(() =>
            {
                try
                {
                    ClusterManifest.Parse(text, "fuzz.yaml").ApplyTo(new ClusterState());
                }
                catch (ManifestException)
                {
                    // A clear rejection is a correct outcome.
                }
            });
            try
            {
                await run.WaitAsync(CaseTimeout);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"case {i} ({string.Join(", ", applied)}) did not finish within {CaseTimeout.TotalSeconds} s:\n{text}");
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} ({string.Join(", ", applied)}) threw {e}\n---- text:\n{text}");
            }
        }
    }

    private static string Mutate(Random random, string text, List<string> applied)
    {
        if (text.Length == 0)
        {
            applied.Add("insert into empty");
            return Punctuation[random.Next(Punctuation.Length)];
        }

        var at = random.Next(text.Length);
        switch (random.Next(6))
        {
            case 0:
                applied.Add($"delete character {at}");
                return text.Remove(at, 1);
            case 1:
                var (start, end) = LineAround(text, at);
                applied.Add($"delete line at {start}");
                return text.Remove(start, end - start);
            case 2:
            case 3:
                var inserted = Punctuation[random.Next(Punctuation.Length)];
                applied.Add($"insert {Escape(inserted)} at {at}");
                return text.Insert(at, inserted);
            case 4:
                applied.Add($"truncate at {at}");
                return text[..at];
            default:
                var length = random.Next(1, Math.Min(200, text.Length - at) + 1);
                var to = random.Next(text.Length);
                applied.Add($"copy {length} characters from {at} to {to}");
                return text.Insert(to, text.Substring(at, length));
        }
    }

    private static (int Start, int End) LineAround(string text, int at)
    {
        var start = text.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
        var end = text.IndexOf('\n', at);
        return (start, end < 0 ? text.Length : end + 1);
    }

    private static string Escape(string text)
    {
        var escaped = new StringBuilder();
        foreach (var c in text)
        {
            escaped.Append(c is < ' ' or '\uFEFF' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return $"'{escaped}'";
    }
}
