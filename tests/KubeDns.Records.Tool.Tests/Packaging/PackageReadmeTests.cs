using System.Text.RegularExpressions;

namespace KubeDns.Records.Tool.Tests.Packaging;

/// <summary>
/// Each package's README (src/*/README.md) is its page on nuget.org and in the IDE's package manager, where nothing
/// relative to the repository resolves: every link is absolute, links into the repository are
/// <c>$(RepositoryUrl)/blob/main/PATH</c> to a file that exists, and no repository file is named without a link.
/// </summary>
public partial class PackageReadmeTests
{
    public static TheoryData<string> Readmes()
    {
        var data = new TheoryData<string>();
        foreach (var readme in Directory.GetFiles(Path.Combine(Cli.RepositoryRoot, "src"), "README.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (!readme.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !readme.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                data.Add(Path.GetRelativePath(Cli.RepositoryRoot, readme).Replace('\\', '/'));
            }
        }

        return data;
    }

    [Fact]
    public void EveryPackage_HasAReadme()
    {
        // Every project under src is packed (src/Directory.Build.props); Shared holds no project, only linked sources.
        var projects = Directory.GetFiles(Path.Combine(Cli.RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories);
        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(project)!, "README.md")), $"{project} has no README.md");
        }
    }

    [Theory]
    [MemberData(nameof(Readmes))]
    public void PackageReadme_LinksAreAbsolute(string readme)
    {
        var text = File.ReadAllText(Path.Combine(Cli.RepositoryRoot, readme));
        var problems = new List<string>();
        foreach (var target in LinkTargets(text))
        {
            if (!target.StartsWith("https://", StringComparison.Ordinal))
            {
                problems.Add($"'{target}' is not an absolute https link; write {Cli.RepositoryUrl}/blob/main/<path>");
            }
            else if (target.StartsWith(Cli.RepositoryUrl + "/", StringComparison.Ordinal))
            {
                var match = RepositoryLink().Match(target[Cli.RepositoryUrl.Length..]);
                if (!match.Success)
                {
                    problems.Add($"'{target}' does not name a file on main: {Cli.RepositoryUrl}/blob/main/<path>");
                }
                else
                {
                    var file = Path.Combine(Cli.RepositoryRoot, match.Groups["path"].Value);
                    if (!File.Exists(file) && !Directory.Exists(file))
                    {
                        problems.Add($"'{target}' names '{match.Groups["path"].Value}', which is not in the repository");
                    }
                    else if (match.Groups["anchor"].Success && !Anchors(File.ReadAllText(file)).Contains(match.Groups["anchor"].Value))
                    {
                        problems.Add($"'{target}': '{match.Groups["path"].Value}' has no heading '#{match.Groups["anchor"].Value}'");
                    }
                }
            }
        }

        // A path named in prose is as dead on nuget.org as a relative link. HTML comments are not shown (the
        // `<!-- sample: … -->` markers that tie a code block to its sample, docs/examples/README.md).
        foreach (Match mention in RepositoryPath().Matches(Link().Replace(HtmlComment().Replace(text, string.Empty), string.Empty)))
        {
            problems.Add($"'{mention.Value}' is named without a link; link it as {Cli.RepositoryUrl}/blob/main/{mention.Value}");
        }

        Assert.True(problems.Count == 0, $"{readme}:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void RelativeLinks_AreFound()
    {
        // The scanner itself: each form of link markdown and HTML allow, relative or absolute.
        const string text = """
            See [the server](../../docs/server.md) and ![logo](docs/logo.png "Logo"), [spec][1] or <a href="docs/tool.md">tool</a>.
            Also [absolute](https://example.org/x) and docs/wire.md in prose.

            [1]: ../../docs/specification.md
            """;

        Assert.Equal(
            ["../../docs/server.md", "../../docs/specification.md", "docs/logo.png", "docs/tool.md", "https://example.org/x"],
            LinkTargets(text).Order(StringComparer.Ordinal));
        Assert.Equal(["docs/wire.md"], RepositoryPath().Matches(Link().Replace(text, string.Empty)).Select(m => m.Value));
    }

    [Fact]
    public void Anchors_AreGitHubHeadingSlugs()
    {
        Assert.Equal(["metrics", "kubedns-query", "pods-wildcards-the-pods-view-and-the-engine"], Anchors("## Metrics\ntext\n## kubedns query\n### Pods, wildcards, the pod's view and the engine\n"));
    }

    // GitHub's heading anchors: lower case, punctuation dropped but for '-' and '_', spaces as '-'.
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(markdown))
        {
            var slug = new System.Text.StringBuilder();
            foreach (var c in heading.Groups["title"].Value.Trim().ToLowerInvariant())
            {
                if (char.IsLetterOrDigit(c) || c is '-' or '_')
                {
                    slug.Append(c);
                }
                else if (c == ' ')
                {
                    slug.Append('-');
                }
            }

            anchors.Add(slug.ToString());
        }

        return anchors;
    }

    private static IEnumerable<string> LinkTargets(string text)
    {
        foreach (Match match in Link().Matches(text))
        {
            yield return match.Groups["inline"].Success ? match.Groups["inline"].Value
                : match.Groups["definition"].Success ? match.Groups["definition"].Value
                : match.Groups["html"].Value;
        }
    }

    // [text](target "title"), ![alt](target), [label]: target, and href/src attributes.
    [GeneratedRegex("""!?\[[^\]]*\]\((?<inline>[^)\s]+)(?:\s+"[^"]*")?\)|^[ ]{0,3}\[[^\]]+\]:[ \t]*<?(?<definition>[^>\s]+)>?|\b(?:href|src)\s*=\s*["'](?<html>[^"']+)["']""", RegexOptions.Multiline)]
    private static partial Regex Link();

    [GeneratedRegex("^/(?:blob|tree)/main/(?<path>[^#?]+)(?:#(?<anchor>.+))?$")]
    private static partial Regex RepositoryLink();

    [GeneratedRegex(@"(?<![\w./-])(?:\.\./)*(?:docs|src|tests|benchmarks)/[\w./-]*[\w]")]
    private static partial Regex RepositoryPath();

    [GeneratedRegex("<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex HtmlComment();

    [GeneratedRegex(@"^#{1,6}[ \t]+(?<title>.+?)[ \t#]*$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
