using System.CommandLine;

namespace KubeDns.Records.Tool;

/// <summary>
/// <c>kubedns zone [ZONE]</c>: every record of a cluster zone (the primary one by default) as an RFC 1035 master
/// file, sorted, loadable by another DNS server (<c>named-checkzone cluster.local FILE</c>).
/// </summary>
internal static class ZoneCommand
{
    public static Command Create(ClusterOptionSet cluster, TextWriter output, TextWriter error)
    {
        var zone = new Argument<string?>("ZONE")
        {
            Description = "Which configured cluster zone to print; the primary (first --zone) by default.",
            DefaultValueFactory = _ => null,
        };
        var command = new Command("zone", "Print every record of the cluster zone as an RFC 1035 master file.");
        command.Arguments.Add(zone);
        cluster.AddTo(command);
        command.SetAction(result =>
        {
            var (state, _, _) = cluster.Build(result, cluster.Diagnostics(result, error));
            try
            {
                state.Current.WriteZoneFile(output, result.GetValue(zone));
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"ZONE: {e.Message.Split(" (Parameter", 2)[0]}", e);
            }

            output.Flush();
            return ExitCodes.Success;
        });
        return command;
    }
}
