namespace KubeDns.Records.Tool.Tests;

/// <summary>A temporary folder of manifests, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kubedns-tests-" + Guid.NewGuid().ToString("N"));

    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);

        // Write and rename, as editors do, so a watcher never reads half a file.
        var temporary = file + ".tmp~";
        File.WriteAllText(temporary, text);
        File.Move(temporary, file, overwrite: true);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
