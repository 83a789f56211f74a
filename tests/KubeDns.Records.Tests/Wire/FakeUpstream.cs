using System.Buffers.Binary;
using System.Net;

namespace KubeDns.Records.Tests.Wire;

/// <summary>Upstream replies built byte by byte, compressed as real resolvers write them.</summary>
internal static class FakeUpstream
{
    /// <summary>
    /// The reply to <paramref name="query"/> (its question echoed, in lower case as some resolvers do) with one A record
    /// per address, each owner a pointer to the question (C00C), and the query's OPT echoed with a payload of 4096.
    /// </summary>
    public static byte[] Reply(ReadOnlySpan<byte> query, ushort id, int responseCode, params string[] addresses)
    {
        var questionEnd = QuestionEnd(query);
        var bytes = new List<byte>(query[..questionEnd].ToArray());
        for (var i = 12; i < questionEnd - 4; i++)
        {
            bytes[i] = (byte)char.ToLowerInvariant((char)bytes[i]);
        }

        BinaryPrimitives.WriteUInt16BigEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes), id);
        bytes[2] = (byte)(0x80 | (query[2] & 0x79));
        bytes[3] = (byte)(0x80 | responseCode);
        bytes[6] = (byte)(addresses.Length >> 8);
        bytes[7] = (byte)addresses.Length;
        bytes[8] = 0;
        bytes[9] = 0;
        var edns = BinaryPrimitives.ReadUInt16BigEndian(query[10..]) > 0;
        bytes[10] = 0;
        bytes[11] = (byte)(edns ? 1 : 0);
        foreach (var address in addresses)
        {
            bytes.AddRange([0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0x0E, 0x10, 0, 4]);
            bytes.AddRange(IPAddress.Parse(address).GetAddressBytes());
        }

        if (edns)
        {
            bytes.AddRange([0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0]);
        }

        return [.. bytes];
    }

    private static int QuestionEnd(ReadOnlySpan<byte> message)
    {
        var at = 12;
        while (message[at] != 0)
        {
            at += message[at] + 1;
        }

        return at + 5;
    }
}
