using ClosedXML.Excel;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace MarketStats.Tests.Support;

/// <summary>A picture as a written workbook holds it: sheet, top-left cell (1-based), size in pixels, the PNG's bytes.</summary>
public sealed record SheetPicture(string Sheet, int Row, int Column, int WidthPx, int HeightPx, byte[] Png);

/// <summary>Reads back the workbooks the project writes.</summary>
public static class Workbooks
{
    /// <summary>
    /// The workbook in ClosedXML, minus its pictures: ClosedXML 0.95 decodes every picture it loads with
    /// System.Drawing, which needs libgdiplus, a system package the project does not need. <see cref="Pictures"/>
    /// checks the pictures instead.
    /// </summary>
    public static XLWorkbook Open(string path)
    {
        var copy = new MemoryStream(File.ReadAllBytes(path));
        using (var document = SpreadsheetDocument.Open(copy, isEditable: true))
        {
            foreach (var sheet in document.WorkbookPart!.WorksheetParts)
            {
                if (sheet.DrawingsPart is not { } drawings) continue;
                sheet.Worksheet.RemoveAllChildren<Drawing>();
                sheet.Worksheet.Save();
                sheet.DeletePart(drawings);
            }
        }
        copy.Position = 0;
        return new XLWorkbook(copy);
    }

    /// <summary>Every picture of the workbook, read with the Open XML SDK.</summary>
    public static IReadOnlyList<SheetPicture> Pictures(string path)
    {
        const long emuPerPixel = 9525;
        using var document = SpreadsheetDocument.Open(path, isEditable: false);
        var workbookPart = document.WorkbookPart!;
        var pictures = new List<SheetPicture>();
        foreach (var sheet in workbookPart.Workbook.Descendants<Sheet>())
        {
            var part = (WorksheetPart)workbookPart.GetPartById(sheet.Id!.Value!);
            if (part.DrawingsPart is not { } drawings) continue;
            Assert.Single(part.Worksheet.Elements<Drawing>()); // the sheet refers to its drawing, or Excel shows nothing
            // Excel refuses (and "repairs" away) what breaks the schema, such as <drawing> after <tableParts>.
            var validator = new DocumentFormat.OpenXml.Validation.OpenXmlValidator();
            var errors = validator.Validate(part).Concat(validator.Validate(drawings))
                .Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            foreach (var anchor in drawings.WorksheetDrawing.Elements<Xdr.OneCellAnchor>())
            {
                var blip = anchor.Descendants<DocumentFormat.OpenXml.Drawing.Blip>().Single();
                using var image = drawings.GetPartById(blip.Embed!.Value!).GetStream();
                using var bytes = new MemoryStream();
                image.CopyTo(bytes);
                pictures.Add(new SheetPicture(sheet.Name!.Value!,
                    int.Parse(anchor.FromMarker!.RowId!.Text) + 1, int.Parse(anchor.FromMarker.ColumnId!.Text) + 1,
                    (int)(anchor.Extent!.Cx!.Value / emuPerPixel), (int)(anchor.Extent.Cy!.Value / emuPerPixel), bytes.ToArray()));
            }
        }
        return pictures;
    }
}
