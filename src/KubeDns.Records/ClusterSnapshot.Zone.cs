using KubeDns.Records.Naming;

namespace KubeDns.Records;

/// <summary>The zone export: every record of a cluster zone as an RFC 1035 master file (specification.md §1).</summary>
public sealed partial class ClusterSnapshot
{
    /// <summary>
    /// Writes every record of one cluster zone in RFC 1035 master-file format (§5): <c>$ORIGIN</c>, the SOA, the
    /// NS record and its glue, then every other record with absolute owner names, sorted by owner in DNS canonical
    /// order (RFC 4034 §6.1) and then by type. Another authoritative server loading the file answers as this
    /// snapshot does, except for empty non-terminals a zone file cannot hold (specification.md §1).
    /// </summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="zone">A configured cluster zone; the primary zone when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="zone"/> is not a configured cluster zone.</exception>
    public void WriteZoneFile(TextWriter writer, string? zone = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var settings = Data.Settings;
        var name = (zone ?? settings.PrimaryZone).TrimEnd('.').ToLowerInvariant();
        if (Array.IndexOf(settings.Zones, name) < 0)
        {
            throw new ArgumentException($"'{zone}' is not a configured cluster zone ({string.Join(", ", settings.Zones)}).", nameof(zone));
        }

        var apex = name + ".";
        writer.Write("$ORIGIN ");
        writer.WriteLine(apex);
        var lines = new List<(string Owner, int Order, string Line)>();
        foreach (var line in Lines(apex, RecordType.SOA))
        {
            writer.WriteLine(line);
        }

        foreach (var line in Lines(apex, RecordType.NS))
        {
            writer.WriteLine(line);
        }

        Collect(lines, OwnerNames.DnsVersion + "." + apex, RecordType.TXT);
        Collect(lines, OwnerNames.NameServer + "." + apex, RecordType.ANY);
        Data.Index.ForEach((key, node) =>
        {
            if (node.Records.Length > 0)
            {
                Collect(lines, key + "." + apex, node.Cname is null ? RecordType.ANY : RecordType.CNAME);
            }
        });

        lines.Sort(static (a, b) =>
        {
            var byOwner = CanonicalCompare(a.Owner, b.Owner);
            return byOwner != 0 ? byOwner : a.Order.CompareTo(b.Order);
        });
        foreach (var (_, _, line) in lines)
        {
            writer.WriteLine(line);
        }

        void Collect(List<(string, int, string)> into, string owner, RecordType type)
        {
            var order = 0;
            foreach (var line in Lines(owner, type))
            {
                into.Add((owner, order++, line));
            }
        }
    }

    /// <summary>The answer records of one question as zone-file lines; the additional section is left out.</summary>
    private List<string> Lines(string owner, RecordType type)
    {
        var result = new List<string>();
        var resolution = Resolve(owner, type);
        foreach (var record in resolution.Answer)
        {
            // Records reached through a CNAME belong to the target's own owner name, exported there.
            if (record.Name.EqualsIgnoreCase(owner))
            {
                result.Add(record.ToString());
            }
        }

        return result;
    }

    /// <summary>RFC 4034 §6.1: compare names label by label from the right, each label as lower-case octets.</summary>
    internal static int CanonicalCompare(string a, string b)
    {
        var x = a.AsSpan().TrimEnd('.');
        var y = b.AsSpan().TrimEnd('.');
        while (true)
        {
            if (x.IsEmpty || y.IsEmpty)
            {
                return x.Length.CompareTo(y.Length);
            }

            var xi = x.LastIndexOf('.');
            var yi = y.LastIndexOf('.');
            var labelX = x[(xi + 1)..];
            var labelY = y[(yi + 1)..];
            var c = CompareLowerCase(labelX, labelY);
            if (c != 0)
            {
                return c;
            }

            x = xi < 0 ? default : x[..xi];
            y = yi < 0 ? default : y[..yi];
        }
    }

    private static int CompareLowerCase(ReadOnlySpan<char> x, ReadOnlySpan<char> y)
    {
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            var c = char.ToLowerInvariant(x[i]).CompareTo(char.ToLowerInvariant(y[i]));
            if (c != 0)
            {
                return c;
            }
        }

        return x.Length.CompareTo(y.Length);
    }
}
