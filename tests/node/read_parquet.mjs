// Independent Parquet reader for the C++ tests: prints a file's schema, key/value metadata and
// rows as JSON, read with hyparquet (pure JavaScript, npm) and its decompressors. int64 values
// become numbers (exact below 2^53, enough for the tests).
// Usage: node read_parquet.mjs FILE
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'

const file = process.argv[2]
const buffer = await asyncBufferFromFile(file)
const metadata = await parquetMetadataAsync(buffer)
const schema = metadata.schema.map(e => ({
  name: e.name,
  type: e.type ?? null,
  repetition_type: e.repetition_type ?? null,
  converted_type: e.converted_type ?? null,
  logical_type: e.logical_type?.type ?? null,
  num_children: e.num_children ?? 0,
}))
const codecs = metadata.row_groups.flatMap(rg => rg.columns.map(c => c.meta_data.codec))
const rows = await parquetReadObjects({ file: buffer, compressors, utf8: true })
const plain = JSON.stringify({
  num_rows: Number(metadata.num_rows),
  columns: parquetSchema(metadata).children.map(c => c.element.name),
  schema,
  codecs,
  metadata: Object.fromEntries((metadata.key_value_metadata ?? []).map(kv => [kv.key, kv.value])),
  rows,
}, (_, v) => (typeof v === 'bigint' ? Number(v) : v))
process.stdout.write(plain + '\n')
