"""django-import-export resources: the admin's exports of the reference lists.

Nothing is imported through django-import-export. Its import reads the uploaded file
inside the web process, past the size checks and the capped reading process every
other upload goes through (registry/spreadsheets, docs/security.md); units, employers,
agreements and industrial zones are imported on the "Nhập dữ liệu" page, which reads
every file that way, shows each row's problems and writes through the services and
the user's scope. Member lists are not exported here either — see
bench/import_export.py for why (tens of times slower at 100,000 rows).
"""

from import_export import fields, resources

from unions.models import CollectiveAgreement, Employer, IndustrialZone, UnionUnit


class IndustrialZoneResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name="Mã")
    name = fields.Field(attribute="name", column_name="Tên khu công nghiệp")

    class Meta:
        model = IndustrialZone
        fields = ["code", "name"]


class UnionUnitResource(resources.ModelResource):
    code = fields.Field(attribute="code", column_name="Mã đơn vị")
    name = fields.Field(attribute="name", column_name="Tên đơn vị")
    kind = fields.Field(attribute="get_kind_display", column_name="Loại đơn vị")
    founded_on = fields.Field(attribute="founded_on", column_name="Ngày thành lập")
    dissolved_on = fields.Field(attribute="dissolved_on", column_name="Ngày giải thể")

    class Meta:
        model = UnionUnit
        fields = ["code", "name", "kind", "founded_on", "dissolved_on"]


class EmployerResource(resources.ModelResource):
    tax_code = fields.Field(attribute="tax_code", column_name="Mã số thuế")
    name = fields.Field(attribute="name", column_name="Tên đơn vị sử dụng lao động")
    kind = fields.Field(attribute="get_kind_display", column_name="Loại hình")
    workers = fields.Field(attribute="workers", column_name="Số lao động")
    managing_unit = fields.Field(
        attribute="managing_unit__code", column_name="Mã công đoàn cấp trên quản lý"
    )
    grassroots_union = fields.Field(
        attribute="grassroots_union__code", column_name="Mã CĐCS"
    )

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def dehydrate_tax_code(self, employer):
        return employer.tax_code_for(self.user)

    class Meta:
        model = Employer
        fields = [
            "tax_code",
            "name",
            "kind",
            "workers",
            "managing_unit",
            "grassroots_union",
        ]


class CollectiveAgreementResource(resources.ModelResource):
    tax_code = fields.Field(attribute="employer__tax_code", column_name="Mã số thuế")
    signed_on = fields.Field(attribute="signed_on", column_name="Ngày ký")
    effective_on = fields.Field(attribute="effective_on", column_name="Ngày hiệu lực")
    expires_on = fields.Field(attribute="expires_on", column_name="Ngày hết hạn")
    grade = fields.Field(attribute="grade", column_name="Xếp loại")

    class Meta:
        model = CollectiveAgreement
        fields = ["tax_code", "signed_on", "effective_on", "expires_on", "grade"]
