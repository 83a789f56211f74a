using static KubeDns.Records.TestUtilities.ExampleCluster;

namespace KubeDns.Records.Tests.Answers;

/// <summary>
/// Printing a record, a name, a section or an answer the obvious way (<c>WriteLine(x)</c>, <c>$"{x}"</c>) prints it
/// as dig does. These are ref structs, which convert to no <see cref="object"/>: without their implicit conversion
/// to <see cref="string"/>, <c>WriteLine(record)</c> binds to <c>WriteLine(bool)</c> (CS1503) and interpolation
/// fails (CS9244), so this file would not compile.
/// </summary>
public class PrintingTests
{
    [Fact]
    public void Record_WriteLineAndInterpolation_PrintTheZoneFileLine()
    {
        var resolution = Create().Resolve("_http._tcp.kiada.kiada.svc.cluster.local", RecordType.SRV);
        var record = resolution.Answer[0];
        using var output = new StringWriter { NewLine = "\n" };

        output.WriteLine(record);
        output.WriteLine(record.Name);
        output.WriteLine($"{record.Target} port {record.Port}");
        output.Write(resolution.Additional);

        Assert.Equal(
            """
            _http._tcp.kiada.kiada.svc.cluster.local. 5 IN SRV 0 100 80 kiada.kiada.svc.cluster.local.
            _http._tcp.kiada.kiada.svc.cluster.local.
            kiada.kiada.svc.cluster.local. port 80
            kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108

            """,
            output.ToString());
    }

    [Fact]
    public void Resolution_WriteLine_PrintsTheReplyAsDig()
    {
        var resolution = Create().Resolve("kiada.kiada.svc.cluster.local", RecordType.SRV);
        using var output = new StringWriter { NewLine = "\n" };

        output.WriteLine(resolution);

        // dig +norec @server kiada.kiada.svc.cluster.local SRV, less what a message adds (id, rd/ra, OPT, timing).
        Assert.Equal(
            """
            ;; ->>HEADER<<- opcode: QUERY, status: NOERROR
            ;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1

            ;; QUESTION SECTION:
            ;kiada.kiada.svc.cluster.local.		IN	SRV

            ;; ANSWER SECTION:
            kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 80 kiada.kiada.svc.cluster.local.
            kiada.kiada.svc.cluster.local. 5 IN SRV 0 50 443 kiada.kiada.svc.cluster.local.

            ;; ADDITIONAL SECTION:
            kiada.kiada.svc.cluster.local. 5 IN A 10.96.7.108

            """,
            output.ToString());
    }

    [Fact]
    public void Resolution_NameError_PrintsTheAuthoritySection()
    {
        var resolution = Create().Resolve("nope.kiada.svc.cluster.local", RecordType.A);
        var serial = resolution.Authority[0].Serial;

        Assert.Equal(
            $"""
            ;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
            ;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 0

            ;; QUESTION SECTION:
            ;nope.kiada.svc.cluster.local.		IN	A

            ;; AUTHORITY SECTION:
            cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. {serial} 7200 1800 86400 5
            """,
            $"{resolution}");
    }

    [Fact]
    public void Resolution_OutsideTheZones_IsRefusedAndNotAuthoritative()
    {
        string text = Create().Resolve("example.com", (RecordType)65);

        Assert.Equal(
            """
            ;; ->>HEADER<<- opcode: QUERY, status: REFUSED
            ;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0

            ;; QUESTION SECTION:
            ;example.com.		IN	TYPE65
            """,
            text);
    }
}
