using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace KubeDns.Records.Tool.Tests.Packaging;

/// <summary>
/// A package packed from a clone whose origin is a local path (git's own remote then names no web server) still
/// names the canonical repository and commit in its nuspec, and its PDB's SourceLink maps every source file to that
/// repository's raw content at the commit: the URLs come from $(RepositoryUrl), not from the clone's remote.
/// </summary>
public class SourceLinkTests
{
    // The SourceLink custom debug information of a portable PDB (Portable PDB format, "SourceLink").
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    [Fact]
    public async Task PackFromAClone_WithAPathOrigin_NamesTheRepositoryAndMapsSourcesToIt()
    {
        using var temp = new TempFolder();
        var clone = Path.Combine(temp.Path, "clone");
        var feed = Path.Combine(temp.Path, "feed");
        await Cli.RunAsync("git", ["clone", "--quiet", Cli.RepositoryRoot, clone], TimeSpan.FromMinutes(2));
        Assert.Equal(Cli.RepositoryRoot, (await Cli.RunAsync("git", ["-C", clone, "remote", "get-url", "origin"], TimeSpan.FromSeconds(30))).Trim());

        // The clone has the last commit; the edits not yet committed come along, so the build files checked are the
        // ones in the working tree.
        var patch = Path.Combine(temp.Path, "working-tree.patch");
        await Cli.RunAsync("git", ["-C", Cli.RepositoryRoot, "diff", "HEAD", "--binary", "--output=" + patch], TimeSpan.FromSeconds(30));
        if (new FileInfo(patch).Length > 0)
        {
            await Cli.RunAsync("git", ["-C", clone, "apply", "--whitespace=nowarn", patch], TimeSpan.FromSeconds(30));
        }

        var commit = (await Cli.RunAsync("git", ["-C", clone, "rev-parse", "HEAD"], TimeSpan.FromSeconds(30))).Trim();

        // The core alone: it has no dependencies, so this builds one project. Build servers off: nothing outlives the test.
        await Cli.RunAsync(
            Cli.Dotnet,
            ["pack", Path.Combine(clone, "src", "KubeDns.Records", "KubeDns.Records.csproj"), "-c", "Release", "-o", feed, "--disable-build-servers"],
            TimeSpan.FromMinutes(6),
            clone);

        var package = Directory.GetFiles(feed, "KubeDns.Records.*.nupkg").Single();
        using (var nupkg = ZipFile.OpenRead(package))
        {
            var nuspec = XDocument.Load(nupkg.GetEntry("KubeDns.Records.nuspec")!.Open());
            var repository = nuspec.Descendants().Single(e => e.Name.LocalName == "repository");
            Assert.Equal("git", repository.Attribute("type")?.Value);
            Assert.Equal(Cli.RepositoryUrl, repository.Attribute("url")?.Value);
            Assert.Equal(commit, repository.Attribute("commit")?.Value);
            Assert.Equal(Cli.RepositoryUrl, nuspec.Descendants().Single(e => e.Name.LocalName == "projectUrl").Value);
        }

        // What a debugger fetches: the PDB of the symbol package.
        var symbols = Path.ChangeExtension(package, ".snupkg");
        using var snupkg = ZipFile.OpenRead(symbols);
        var sourceLink = SourceLinkJson(snupkg.GetEntry("lib/net10.0/KubeDns.Records.pdb")!);
        var documents = JsonDocument.Parse(sourceLink).RootElement.GetProperty("documents").EnumerateObject().ToList();

        // github.com serves a file's bytes at raw.githubusercontent.com/OWNER/REPO/COMMIT/PATH.
        Assert.StartsWith("https://github.com/", Cli.RepositoryUrl, StringComparison.Ordinal);
        var raw = "https://raw.githubusercontent.com/" + Cli.RepositoryUrl["https://github.com/".Length..];
        var mapping = Assert.Single(documents);
        Assert.EndsWith("/*", mapping.Name, StringComparison.Ordinal);
        Assert.Equal($"{raw}/{commit}/*", mapping.Value.GetString());
    }

    private static string SourceLinkJson(ZipArchiveEntry pdb)
    {
        // MetadataReaderProvider needs a seekable stream; zip entries are not.
        using var buffer = new MemoryStream();
        using (var entry = pdb.Open())
        {
            entry.CopyTo(buffer);
        }

        buffer.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(buffer);
        var reader = provider.GetMetadataReader();
        foreach (var handle in reader.GetCustomDebugInformation(EntityHandle.ModuleDefinition))
        {
            var information = reader.GetCustomDebugInformation(handle);
            if (reader.GetGuid(information.Kind) == SourceLinkKind)
            {
                return Encoding.UTF8.GetString(reader.GetBlobBytes(information.Value));
            }
        }

        Assert.Fail($"{pdb.FullName} has no SourceLink");
        return string.Empty;
    }
}
