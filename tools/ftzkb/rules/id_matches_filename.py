from . import CARRIER, CASE, ERROR, rule


@rule("id-matches-filename", ERROR, "id 必须等于文件名（不含 .yaml）", "the id must equal the file name without .yaml",
      scope=(CASE, CARRIER))
def check(record, report):
    if record.path.stem != record.id:
        report(("id",), f"id“{record.id}”与文件名“{record.path.name}”不一致：文件应叫 {record.id}.yaml",
               f"id '{record.id}' differs from the file name '{record.path.name}': name it {record.id}.yaml")
