using System.Buffers.Binary;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using A = DocumentFormat.OpenXml.Drawing;
using Xdr = DocumentFormat.OpenXml.Drawing.Spreadsheet;

namespace MarketStats.Reports;

/// <summary>A PNG to place on a sheet with its top-left corner at a cell (1-based), at a scale of its pixel size.</summary>
public sealed record WorkbookPicture(string Sheet, string PngPath, int Row, int Column, double Scale = 1.0);

/// <summary>
/// Puts chart pictures into a saved workbook with the Open XML SDK. ClosedXML 0.95's AddPicture reads the image with
/// System.Drawing, which needs the native libgdiplus (a system package); this reads only the PNG header.
/// </summary>
public static class WorkbookPictures
{
    private const long EmuPerPixel = 9525; // 914,400 EMU per inch at 96 dpi

    /// <summary>Width and height in pixels, from the PNG's IHDR chunk.</summary>
    public static (int Width, int Height) PngSize(string path)
    {
        Span<byte> header = stackalloc byte[24];
        int read;
        using (var stream = File.OpenRead(path))
            read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (read < header.Length || !header[..8].SequenceEqual(signature) || !header[12..16].SequenceEqual("IHDR"u8))
            throw new InvalidDataException($"{path} is not a PNG file.");
        return (BinaryPrimitives.ReadInt32BigEndian(header[16..20]), BinaryPrimitives.ReadInt32BigEndian(header[20..24]));
    }

    /// <summary>Adds the pictures to the workbook at <paramref name="xlsxPath"/> (saved, closed), each anchored to its cell.</summary>
    public static void Insert(string xlsxPath, IReadOnlyCollection<WorkbookPicture> pictures)
    {
        if (pictures.Count == 0) return;
        using var document = SpreadsheetDocument.Open(xlsxPath, isEditable: true);
        var workbookPart = document.WorkbookPart ?? throw new InvalidDataException($"{xlsxPath} has no workbook part.");
        foreach (var group in pictures.GroupBy(p => p.Sheet))
        {
            var sheet = workbookPart.Workbook.Descendants<Sheet>().FirstOrDefault(s => s.Name?.Value == group.Key)
                ?? throw new ArgumentException($"{xlsxPath} has no sheet '{group.Key}'.", nameof(pictures));
            var worksheetPart = (WorksheetPart)workbookPart.GetPartById(sheet.Id!.Value!);
            var drawing = DrawingFor(worksheetPart);
            foreach (var picture in group)
                Add(drawing, picture);
            drawing.WorksheetDrawing.Save();
            worksheetPart.Worksheet.Save();
        }
    }

    /// <summary>The sheet's drawing part, created and referenced from the sheet when it has none.</summary>
    private static DrawingsPart DrawingFor(WorksheetPart worksheetPart)
    {
        if (worksheetPart.DrawingsPart is { } existing) return existing;
        var part = worksheetPart.AddNewPart<DrawingsPart>();
        part.WorksheetDrawing = new Xdr.WorksheetDrawing();
        part.WorksheetDrawing.AddNamespaceDeclaration("xdr", "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing");
        part.WorksheetDrawing.AddNamespaceDeclaration("a", "http://schemas.openxmlformats.org/drawingml/2006/main");
        var reference = new Drawing { Id = worksheetPart.GetIdOfPart(part) };
        // The schema fixes the order of a sheet's children: <drawing> comes before these (ClosedXML writes tableParts).
        var worksheet = worksheetPart.Worksheet;
        var after = worksheet.ChildElements.FirstOrDefault(e => e is LegacyDrawing or LegacyDrawingHeaderFooter or DrawingHeaderFooter
            or Picture or OleObjects or Controls or WebPublishItems or TableParts or WorksheetExtensionList);
        if (after is null) worksheet.Append(reference);
        else worksheet.InsertBefore(reference, after);
        return part;
    }

    private static void Add(DrawingsPart drawing, WorkbookPicture picture)
    {
        var (width, height) = PngSize(picture.PngPath);
        var imagePart = drawing.AddImagePart(ImagePartType.Png);
        using (var png = File.OpenRead(picture.PngPath))
            imagePart.FeedData(png);
        var id = (uint)drawing.WorksheetDrawing.Elements<Xdr.OneCellAnchor>().Count() + 1;
        var name = $"Picture {id}";
        long cx = (long)Math.Round(width * picture.Scale) * EmuPerPixel, cy = (long)Math.Round(height * picture.Scale) * EmuPerPixel;

        drawing.WorksheetDrawing.Append(new Xdr.OneCellAnchor(
            new Xdr.FromMarker(
                new Xdr.ColumnId((picture.Column - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Xdr.ColumnOffset("0"),
                new Xdr.RowId((picture.Row - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Xdr.RowOffset("0")),
            new Xdr.Extent { Cx = cx, Cy = cy },
            new Xdr.Picture(
                new Xdr.NonVisualPictureProperties(
                    new Xdr.NonVisualDrawingProperties { Id = id + 1, Name = name, Description = Path.GetFileName(picture.PngPath) },
                    new Xdr.NonVisualPictureDrawingProperties(new A.PictureLocks { NoChangeAspect = true })),
                new Xdr.BlipFill(
                    new A.Blip { Embed = drawing.GetIdOfPart(imagePart) },
                    new A.Stretch(new A.FillRectangle())),
                new Xdr.ShapeProperties(
                    new A.Transform2D(new A.Offset { X = 0, Y = 0 }, new A.Extents { Cx = cx, Cy = cy }),
                    new A.PresetGeometry(new A.AdjustValueList()) { Preset = A.ShapeTypeValues.Rectangle })),
            new Xdr.ClientData()));
    }
}
