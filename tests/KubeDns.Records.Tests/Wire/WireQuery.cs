using System.Buffers.Binary;
using System.Text;

namespace KubeDns.Records.Tests.Wire;

/// <summary>Builds query messages byte by byte, as a client would send them.</summary>
internal static class WireQuery
{
    public static byte[] Build(string name, ushort type, ushort id = 0x1234, bool rd = true, int opcode = 0, ushort qclass = 1, int? edns = 1232, byte ednsVersion = 0, bool dnssecOk = false)
    {
        var bytes = new List<byte>();
        var header = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        header[2] = (byte)((opcode << 3) | (rd ? 1 : 0));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), (ushort)(edns is null ? 0 : 1));
        bytes.AddRange(header);
        bytes.AddRange(EncodeName(name));
        bytes.Add((byte)(type >> 8));
        bytes.Add((byte)type);
        bytes.Add((byte)(qclass >> 8));
        bytes.Add((byte)qclass);
        if (edns is int size)
        {
            bytes.AddRange([0, 0, 41, (byte)(size >> 8), (byte)size, 0, ednsVersion, (byte)(dnssecOk ? 0x80 : 0), 0, 0, 0]);
        }

        return [.. bytes];
    }

    public static byte[] EncodeName(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        return [.. bytes];
    }
}
