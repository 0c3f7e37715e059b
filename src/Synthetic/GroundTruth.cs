using System.Text;

namespace MarketStats.Synthetic;

/// <summary>The answer key: which person or organisation owns each account, and what the linkage could see.</summary>
/// <remarks>
/// One row per registration row. <c>email_variant</c> says whether the account gave the person's usual address
/// (<c>primary</c>), another one (<c>alternate</c>) or none; with <c>phone_given</c> and <c>corporate_number_given</c>
/// it tells which planted duplicates exact-hash linkage can find and which need fuzzy matching.
/// </remarks>
internal static class GroundTruth
{
    public const string Header = "platform_id,account_id,kind,true_person_id,email_variant,phone_given,corporate_number_given";

    public static void Write(string path, IReadOnlyList<PlatformProfile> platforms, PopulationModel population)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        writer.WriteLine(Header);
        var row = new CsvRow(writer);
        foreach (var platform in platforms)
        {
            foreach (var book in new[] { population.WorkerBooks[platform.Index - 1], population.ClientBooks[platform.Index - 1] })
            {
                for (var i = 0; i < book.Accounts.Length; i++)
                {
                    ref readonly var a = ref book.Accounts[i];
                    row.Text(platform.PlatformId);
                    row.Text(book.Ids[i]);
                    row.Text(MarketCodes.Kinds[book.IsWorker ? 0 : 1]);
                    row.Text(PopulationModel.PersonId(book.IsWorker, a.Person));
                    row.Text(a.Email switch { EmailVariant.Primary => "primary", EmailVariant.Alternate => "alternate", _ => "none" });
                    row.Text(a.GivesPhone ? "true" : "false");
                    row.Text(!book.IsWorker && a.GivesProfile && population.Clients[a.Person].HasCorporateNumber ? "true" : "false");
                    row.End();
                }
            }
        }
    }
}
