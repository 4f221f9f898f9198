-- +goose Up
-- Application types and their materials are data: a new type or material is a row here
-- (or an admin's insert), never a code change. The checklist of an application is its
-- type's materials.
CREATE TABLE application_types (
    code             text PRIMARY KEY,
    name             text NOT NULL,
    description      text NOT NULL DEFAULT '',
    position         int NOT NULL DEFAULT 0,
    active           boolean NOT NULL DEFAULT true,
    windowed         boolean NOT NULL DEFAULT false,  -- only inside the city's application window
    self_assessment  boolean NOT NULL DEFAULT false   -- needs the self-assessment of SPEC §3.2
);

CREATE TABLE material_types (
    id              bigserial PRIMARY KEY,
    type_code       text NOT NULL REFERENCES application_types(code),
    code            text NOT NULL,
    position        int NOT NULL,
    name            text NOT NULL,
    description     text NOT NULL DEFAULT '',
    required        boolean NOT NULL,
    files_needed    int NOT NULL DEFAULT 1 CHECK (files_needed BETWEEN 1 AND 20),
    -- 'year': one file per fiscal year, the files_needed years before the application's year
    slot_kind       text NOT NULL DEFAULT '' CHECK (slot_kind IN ('', 'year')),
    -- content types accepted, checked by content: pdf, ofd, jpeg, png, docx, xlsx
    accepted_kinds  text NOT NULL DEFAULT 'pdf,ofd,jpeg,png,docx,xlsx',
    UNIQUE (type_code, code)
);
CREATE INDEX material_types_type ON material_types(type_code, position);

INSERT INTO application_types (code, name, description, position, windowed, self_assessment) VALUES
    ('p2p_acceptance', '网贷机构整改验收申请',
     '网贷机构自评认为整改完成后，向注册地所在区金融工作部门申请整改验收（《网贷机构整改验收方案》四(二)1）。',
     1, true, true),
    ('internet_microloan', '互联网小额贷款业务申请',
     '小额贷款公司申请开展互联网小额贷款业务，除设立小额贷款公司的一般性资料外须提供的资料（《上海市小额贷款公司互联网小额贷款业务专项监管指引（试行）》三）。',
     2, false, false);

-- SPEC §3.1: seeds/004 plan 1 四(二)1, plan 6 四(一).
INSERT INTO material_types (type_code, code, position, name, description, required, files_needed, slot_kind, accepted_kinds) VALUES
    ('p2p_acceptance', 'self_assessment_report', 1, '自评报告',
     '机构对照整改验收标准逐项自评的报告，含相关证明材料。', true, 1, '', 'pdf,ofd,docx'),
    ('p2p_acceptance', 'special_audit', 2, '会计师事务所专项审计报告',
     '会计师事务所出具的整改情况专项审计报告。', true, 1, '', 'pdf,ofd'),
    ('p2p_acceptance', 'annual_audit', 3, '近三年年度审计报告',
     '会计师事务所出具的近三个会计年度的年度审计报告，每年一份。', true, 3, 'year', 'pdf,ofd'),
    ('p2p_acceptance', 'legal_opinion', 4, '律师事务所法律意见书',
     '律师事务所出具的合规经营情况法律意见书。', true, 1, '', 'pdf,ofd'),
    ('p2p_acceptance', 'security_assessment', 5, '网络安全等级保护测评报告',
     '有资质的测评机构出具的网络安全等级保护测评结果。', true, 1, '', 'pdf,ofd'),
    ('p2p_acceptance', 'contract_sample', 6, '电子合同（样本）',
     '平台现行使用的借款合同等电子合同样本。', true, 1, '', 'pdf,ofd,docx'),
    ('p2p_acceptance', 'custody_agreement', 7, '银行存管协议',
     '与存管银行签订的资金存管协议。', true, 1, '', 'pdf,ofd,jpeg,png'),
    ('p2p_acceptance', 'equity_commitment', 8, '不转让股权承诺函',
     '自愿提交：机构及其主要股东、实际控制人承诺在整改验收合格及获得备案登记后三年内不转让股权。', false, 1, '', 'pdf,ofd,jpeg,png');

-- seeds/000 三.
INSERT INTO material_types (type_code, code, position, name, description, required, files_needed, slot_kind, accepted_kinds) VALUES
    ('internet_microloan', 'application_letter', 1, '开展互联网小额贷款业务的申请书',
     '', true, 1, '', 'pdf,ofd,docx'),
    ('internet_microloan', 'platform_operations', 2, '网络平台经营情况介绍及证照材料',
     '主要发起人或集团成员的网络平台经营情况介绍及相应证照材料复印件。', true, 1, '', 'pdf,ofd,jpeg,png,docx'),
    ('internet_microloan', 'group_structure', 3, '组织机构框架及集团内金融、类金融机构情况',
     '主要发起人所在企业（集团）的组织机构框架，集团内其他金融机构、类金融机构（融资担保、融资租赁、商业保理等）业务情况介绍。', true, 1, '', 'pdf,ofd,docx,xlsx'),
    ('internet_microloan', 'feasibility_report', 4, '可行性报告',
     '包括客户定位、产品设计、风险控制模型和制度、业务流程等。', true, 1, '', 'pdf,ofd,docx'),
    ('internet_microloan', 'systems_description', 5, '运营设施及信息系统建设情况说明',
     '运营设施、业务信息系统和数据备份系统等方面的建设情况说明。', true, 1, '', 'pdf,ofd,docx'),
    ('internet_microloan', 'third_party_reports', 6, '第三方测试报告和安全评估报告',
     '由第三方专业机构出具的有关测试报告和安全评估报告。', true, 1, '', 'pdf,ofd'),
    ('internet_microloan', 'other', 7, '其他资料',
     '主管部门基于审慎性考虑要求提供的其他资料。', false, 1, '', 'pdf,ofd,jpeg,png,docx,xlsx');

ALTER TABLE applications ADD CONSTRAINT applications_type_fk FOREIGN KEY (type_code) REFERENCES application_types(code);

-- +goose Down
ALTER TABLE applications DROP CONSTRAINT applications_type_fk;
DROP TABLE material_types;
DROP TABLE application_types;
