using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KubeDns.Records.Kubernetes.Internal;

/// <summary>
/// The manifest files as they are at one moment: the files <see cref="ClusterManifest.Load"/> would read with their
/// sizes and modification times (<see cref="Listing"/>, cheap enough to poll), and optionally a SHA-256 of their
/// bytes (<see cref="ContentHash"/>), which also sees a rewrite that keeps size and time, as on file systems whose
/// modification times are coarse. Two snapshots are equal when both parts are.
/// </summary>
internal sealed record ManifestFileSnapshot(string Listing, string? ContentHash)
{
    /// <summary>Takes a snapshot; a file that vanishes or cannot be read while it is taken is recorded as such.</summary>
    public static ManifestFileSnapshot Take(IReadOnlyList<string> paths, bool withContents)
    {
        var listing = new StringBuilder();
        using var hash = withContents ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        IReadOnlyList<string> files;
        try
        {
            files = ClusterManifest.Files(paths);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder removed or made unreadable while it was listed.
            return new ManifestFileSnapshot($"unlistable: {e.Message}", null);
        }

        Span<byte> length = stackalloc byte[sizeof(long)];
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            listing.Append(info.FullName);
            listing.Append(info.Exists ? string.Create(CultureInfo.InvariantCulture, $" {info.Length} {info.LastWriteTimeUtc.Ticks}") : " missing");
            listing.Append('\n');
            if (hash is not null)
            {
                // Each file's bytes behind their length, so that bytes moved from one file to the next still differ.
                byte[] bytes;
                try
                {
                    bytes = File.ReadAllBytes(file);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(length, -1);
                    hash.AppendData(length);
                    continue;
                }

                BinaryPrimitives.WriteInt64LittleEndian(length, bytes.Length);
                hash.AppendData(length);
                hash.AppendData(bytes);
            }
        }

        return new ManifestFileSnapshot(listing.ToString(), hash is null ? null : Convert.ToHexString(hash.GetHashAndReset()));
    }
}
