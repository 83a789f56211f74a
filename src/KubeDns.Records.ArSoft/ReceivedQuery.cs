using System.Buffers.Binary;
using System.Net;
using KubeDns.Records.Wire;

namespace KubeDns.Records.ArSoft;

/// <summary>
/// The client's endpoint together with the query exactly as it arrived. ARSoft decodes labels as ASCII (a byte above
/// 127 becomes '?') and hands its handler only the decoded message and <c>connection.RemoteEndPoint</c>; our
/// transports make each query its own connection and return this object as that endpoint, so the handler reads the
/// question from the client's bytes (<see cref="DnsQuery.TryRead"/>, as the native engine does) and the transport puts
/// those bytes back into the encoded response (<see cref="RestoreQuestion"/>).
/// </summary>
internal sealed class ReceivedQuery : IPEndPoint
{
    public ReceivedQuery(IPEndPoint client, ReadOnlyMemory<byte> message)
        : base(client.Address, client.Port)
    {
        Client = client;
        Message = message;
    }

    /// <summary>The client, as the socket reported it (what events expose).</summary>
    public IPEndPoint Client { get; }

    /// <summary>The query message, without the TCP length prefix.</summary>
    public ReadOnlyMemory<byte> Message { get; }

    /// <summary>
    /// Overwrites the question ARSoft encoded into <paramref name="response"/> with the query's own bytes, so the
    /// client gets its question back byte for byte (RFC 1035 §4.1.2; resolvers drop replies whose question differs,
    /// RFC 5452 §9.1). Only when ARSoft's question is the query's with bytes above 127 written as '?': the names are
    /// then equally long, so compression pointers into the question stay valid. Anything else is left as it is.
    /// </summary>
    /// <param name="response">An encoded response message, without a TCP length prefix.</param>
    public void RestoreQuestion(Span<byte> response)
    {
        var query = Message.Span;
        Span<char> name = stackalloc char[DnsQuery.MaxNameTextLength + 2];
        if (response.Length < DnsQuery.HeaderLength
            || BinaryPrimitives.ReadUInt16BigEndian(response[4..]) != 1
            || DnsQuery.TryRead(query, name, out var read) != DnsQueryStatus.Ok)
        {
            return;
        }

        var question = read.QuestionBytes;
        if (response.Length < DnsQuery.HeaderLength + question.Length)
        {
            return;
        }

        var written = response.Slice(DnsQuery.HeaderLength, question.Length);
        for (var i = 0; i < question.Length; i++)
        {
            if (written[i] != question[i] && (written[i] != (byte)'?' || question[i] < 0x80))
            {
                return;
            }
        }

        question.CopyTo(written);
    }
}
