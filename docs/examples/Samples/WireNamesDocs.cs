// docs/wire.md, "Names as text": a name typed with escapes, parsed into the form Resolve takes.
#region sample
using KubeDns.Records.Wire;
#endregion
using KubeDns.Records;

namespace Samples;

internal static class WireNamesDocs
{
    public static void Run()
    {
        var cluster = SampleCluster.Synced();

        #region sample
        Span<char> name = stackalloc char[DnsQuery.MaxNameTextLength];
        if (!DnsName.TryParse(@"\113uote.kiada.svc.cluster.local.", name, out var length, out var problem))
        {
            throw new ArgumentException($"the name {problem}");
        }

        var resolution = cluster.Current.Resolve(name[..length], RecordType.A);
        Console.WriteLine(resolution.Answer);   // quote.kiada.svc.cluster.local. 5 IN A 10.96.161.97
        #endregion
    }
}
